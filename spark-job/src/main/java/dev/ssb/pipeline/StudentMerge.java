package dev.ssb.pipeline;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.distill.DistillStage;
import dev.ssb.table.RunLayout;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.ModelWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges a round's LoRA student into its base model and writes a full Hugging Face checkpoint, the
 * base of the next round. Runs in a single Spark task, so the driver never loads the model runtime;
 * the checkpoint is written next to a temporary name and renamed, so the folder exists only when
 * complete. The run folder must be on a file system the executor shares with the driver (local disk
 * in local mode, a shared mount on a cluster).
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
        java.nio.file.Path local = localPath(target);
        java.nio.file.Path adapterDir = localPath(new Path(adapter));
        if (Files.isRegularFile(local.resolve("config.json")) && !force) {
            LOG.info("Merged student {} already written", local);
            return target;
        }
        String checkpoint = config.string(SsbProperties.MODEL_CHECKPOINT);
        String out = local.toString();
        String adapterPath = adapterDir.toString();
        List<String> written =
                JavaSparkContext.fromSparkContext(spark.sparkContext())
                        .parallelize(List.of(0), 1)
                        .map(i -> merge(checkpoint, adapterPath, out))
                        .collect();
        LOG.info("Merged student of run {} into {}", config.runId(), written.get(0));
        return target;
    }

    /** Executor side: base + adapter, saved merged to a temporary folder, then renamed. */
    static String merge(String checkpoint, String adapterDir, String target) {
        java.nio.file.Path out = java.nio.file.Path.of(target);
        java.nio.file.Path tmp =
                out.resolveSibling(out.getFileName() + "._tmp-" + UUID.randomUUID());
        try (LanguageModel model = ModelWorker.load(checkpoint, Device.cpu())) {
            model.setAdapter(LoraAdapter.load(java.nio.file.Path.of(adapterDir), model.config()));
            model.save(tmp);
            if (Files.exists(out)) {
                deleteRecursively(out);
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write merged student " + out, e);
        }
    }

    private static void deleteRecursively(java.nio.file.Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (java.nio.file.Path p :
                    files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static java.nio.file.Path localPath(Path path) {
        String scheme = path.toUri().getScheme();
        if (scheme != null && !scheme.equals("file")) {
            throw new IllegalArgumentException(
                    "Cannot merge the student into "
                            + path
                            + ": --rounds > 1 needs out on a local or shared file system");
        }
        return java.nio.file.Path.of(path.toUri().getPath());
    }
}
