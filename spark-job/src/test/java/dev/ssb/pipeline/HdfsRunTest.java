package dev.ssb.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.cli.CliRun;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.spark.CheckpointCache;
import dev.ssb.spark.SharedSpark;
import dev.ssb.table.RunLayout;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.ModelWorker;
import dev.ssb.worker.toy.ToyDataset;
import dev.ssb.worker.toy.ToyDifficulty;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real HDFS (Hadoop's MiniDFSCluster: a NameNode and a DataNode in this JVM, started and stopped
 * here) holding the embedded toy checkpoint (put there by {@code ssb export}), the problems, the
 * system prompt and the run folder. On local[2], {@code ssb ingest} and {@code ssb rollout} with
 * every path an {@code hdfs://} URI give the rows of the same stages on local paths, and the tasks
 * staged the checkpoint from HDFS ({@link CheckpointCache}); a round's merged student is written to
 * HDFS through Hadoop's file system, byte for byte the local merge.
 */
class HdfsRunTest {

    private static final int PROBLEMS = 4;

    @TempDir static Path tmp;
    private static MiniDFSCluster dfs;
    private static String hdfs;
    private static FileSystem fs;
    private static String model;
    private static Path localModel;

    @BeforeAll
    static void startHdfsWithTheToyCheckpoint() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("dfs").toString());
        dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        dfs.waitActive();
        hdfs = dfs.getURI().toString(); // hdfs://localhost:<port>
        fs = dfs.getFileSystem();
        model = hdfs + "/models/toy";
        assertThat(run("export", "--out", model)).contains("Wrote " + model);
        localModel = tmp.resolve("local/toy");
        fs.copyToLocalFile(false, hadoop(model), hadoop(localModel), true);
        assertThat(localModel.resolve("config.json")).isRegularFile();
    }

    @AfterAll
    static void stopHdfs() {
        if (dfs != null) {
            dfs.shutdown(true);
        }
    }

    @Test
    void stagesOnHdfsGiveTheRowsOfTheSameStagesOnLocalPaths() throws Exception {
        SparkSession spark = SharedSpark.session();
        Path data = tmp.resolve("local/data");
        ToyDataset.write(data, 7, PROBLEMS, 0, ToyDifficulty.embedded());
        Path prompt = Files.writeString(data.resolve("system.txt"), "End with \\boxed{answer}.\n");
        for (String f : List.of("train.jsonl", "system.txt")) {
            fs.copyFromLocalFile(hadoop(data.resolve(f)), hadoop(hdfs + "/data/" + f));
        }
        String[] onHdfs = {
            "--out", hdfs + "/runs",
            "--model", model,
            "--problems", hdfs + "/data/train.jsonl",
            "--set", "prompts.system=" + hdfs + "/data/system.txt"
        };
        String[] onDisk = {
            "--out", tmp.resolve("local/runs").toString(),
            "--model", localModel.toString(),
            "--problems", data.resolve("train.jsonl").toString(),
            "--set", "prompts.system=" + prompt
        };
        String dryRun = run(stage("rollout", onHdfs, "--dry-run"));
        assertThat(dryRun).contains("model   " + model).contains(" files on hdfs");

        int copies = CheckpointCache.copies();
        for (String[] where : List.of(onDisk, onHdfs)) { // the JVM's first-use costs go locally
            run(stage("ingest", where));
            assertThat(run(stage("rollout", where)))
                    .startsWith("rollout done: {problems=" + PROBLEMS + ", rollouts=8,");
        }
        // the local[2] tasks loaded the model from a copy staged out of HDFS, once
        assertThat(CheckpointCache.copies() - copies).isEqualTo(1);

        for (String table : List.of("problems", "rollouts")) {
            String remotePath = hdfs + "/runs/h/" + table;
            assertThat(fs.exists(hadoop(remotePath + "/" + RunLayout.MANIFEST))).isTrue();
            Dataset<Row> remote = ComparableRows.of(spark.read().parquet(remotePath));
            Dataset<Row> local =
                    ComparableRows.of(spark.read().parquet(tmp + "/local/runs/h/" + table));
            assertThat(local.count()).as(table).isGreaterThanOrEqualTo(PROBLEMS);
            assertThat(remote.count()).as(table).isEqualTo(local.count());
            assertThat(remote.exceptAll(local).count()).as(table).isZero();
            assertThat(local.exceptAll(remote).count()).as(table).isZero();
        }
        Dataset<Row> rollouts = spark.read().parquet(hdfs + "/runs/h/rollouts");
        assertThat(rollouts.filter("num_tokens > 0").count()).isEqualTo(rollouts.count());
    }

    @Test
    void theMergedStudentIsWrittenToHdfsAsTheLocalMergeWritesIt() throws Exception {
        SharedSpark.session();
        ModelConfig toy;
        try (LanguageModel lm = ModelWorker.load(localModel.toString(), Device.cpu())) {
            toy = lm.config();
        }
        Path adapter = tmp.resolve("local/adapter");
        LoraAdapter.initialize(new LoraConfig(2, 4f, List.of("q_proj", "v_proj")), toy, 3)
                .save(adapter);
        String out = hdfs + "/merge-runs";
        fs.copyFromLocalFile(hadoop(adapter), hadoop(out + "/m/adapter"));
        // a base of its own, so the other test's count of staged copies is the same in any order
        String base = hdfs + "/models/merge-base/toy";
        fs.copyFromLocalFile(hadoop(localModel), hadoop(base));
        SsbConfig config =
                SsbConfig.defaults()
                        .with(SsbProperties.OUT, out)
                        .with(SsbProperties.RUN_ID, "m")
                        .with(SsbProperties.MODEL_CHECKPOINT, base);

        org.apache.hadoop.fs.Path merged = StudentMerge.run(SharedSpark.session(), config, false);
        assertThat(merged.toString()).isEqualTo(out + "/m/" + RunPipeline.MERGED);
        org.apache.hadoop.fs.Path weights =
                new org.apache.hadoop.fs.Path(merged, "model.safetensors");
        long written = fs.getFileStatus(weights).getModificationTime();
        assertThat(fs.listStatus(new org.apache.hadoop.fs.Path(out + "/m")))
                .as("no temporary folder left beside it")
                .allMatch(s -> !s.getPath().getName().startsWith("._tmp"));

        Path localMerged = tmp.resolve("local/merged");
        StudentMerge.merge(localModel.toString(), adapter.toString(), localMerged.toString());
        try (InputStream in = fs.open(weights)) {
            assertThat(in.readAllBytes())
                    .isEqualTo(Files.readAllBytes(localMerged.resolve("model.safetensors")));
        }
        // present: a second run keeps it
        StudentMerge.run(SharedSpark.session(), config, false);
        assertThat(fs.getFileStatus(weights).getModificationTime()).isEqualTo(written);
    }

    private static String[] stage(String name, String[] where, String... more) {
        List<String> args = new ArrayList<>(List.of(name, "--run-id", "h"));
        args.addAll(Arrays.asList(where));
        args.addAll(
                List.of(
                        "--set", "rollout.samples=2",
                        "--set", "rollout.max_new_tokens=48",
                        "--set", "data.partitions=2"));
        args.addAll(Arrays.asList(more));
        return args.toArray(String[]::new);
    }

    private static org.apache.hadoop.fs.Path hadoop(Path local) {
        return new org.apache.hadoop.fs.Path(local.toUri());
    }

    private static org.apache.hadoop.fs.Path hadoop(String uri) {
        return new org.apache.hadoop.fs.Path(uri);
    }

    private static String run(String... args) {
        return CliRun.ok(args);
    }
}
