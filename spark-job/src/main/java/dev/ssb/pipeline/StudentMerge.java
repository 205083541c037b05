package dev.ssb.pipeline;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.distill.DistillStage;
import dev.ssb.spark.CheckpointCache;
import dev.ssb.spark.HadoopFiles;
import dev.ssb.table.RunLayout;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.ModelWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges a round's LoRA student into its base model and writes a full Hugging Face checkpoint, the
 * base of the next round. Runs in a single Spark task, so the driver never loads the model runtime.
 * Base, adapter and target are Hadoop paths (local, {@code hdfs://}, {@code s3a://}): the base is
 * staged by {@link CheckpointCache}, the adapter copied to the task's disk, and the merged folder
 * written locally, then uploaded under a temporary name and renamed, so the folder exists only when
 * complete.
 */
final class StudentMerge {

    private static final Logger LOG = LoggerFactory.getLogger(StudentMerge.class);

    private StudentMerge() {}

    /** Writes (unless present and not forced) and returns {@link RunPipeline#mergedPath}. */
    static Path run(SparkSession spark, SsbConfig config, boolean force) {
        Path target = RunPipeline.mergedPath(config);
        String adapter =
                new RunLayout(config.out(), config.runId())
                        .tablePath(DistillStage.ADAPTER)
                        .toString();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        if (HadoopFiles.exists(new Path(target, "config.json").toString(), hadoop) && !force) {
            LOG.info("Merged student {} already written", target);
            return target;
        }
        String checkpoint = config.string(SsbProperties.MODEL_CHECKPOINT);
        String out = target.toString();
        List<String> written =
                JavaSparkContext.fromSparkContext(spark.sparkContext())
                        .parallelize(List.of(0), 1)
                        .map(i -> merge(checkpoint, adapter, out))
                        .collect();
        LOG.info("Merged student of run {} into {}", config.runId(), written.get(0));
        return target;
    }

    /** Executor side: base + adapter, saved merged to a local folder, then uploaded. */
    static String merge(String checkpoint, String adapterDir, String target) {
        Configuration hadoop = HadoopFiles.configuration();
        java.nio.file.Path tmp;
        try {
            tmp = Files.createTempDirectory("ssb-merge-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write merged student " + target, e);
        }
        java.nio.file.Path adapter = HadoopFiles.local(adapterDir, hadoop);
        try (LanguageModel model =
                ModelWorker.load(CheckpointCache.localPath(checkpoint), Device.cpu())) {
            model.setAdapter(LoraAdapter.load(adapter, model.config()));
            java.nio.file.Path merged = tmp.resolve("merged");
            model.save(merged);
            HadoopFiles.delete(target, hadoop); // --force, or a folder without config.json
            HadoopFiles.upload(merged, target, hadoop);
            return target;
        } finally {
            HadoopFiles.deleteLocal(tmp);
            if (HadoopFiles.isCopy(adapterDir, adapter)) {
                HadoopFiles.deleteLocal(adapter.getParent());
            }
        }
    }
}
