package dev.ssb.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.cli.SsbCommand;
import dev.ssb.config.ConfigResolver;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.ingest.IngestStage;
import dev.ssb.spark.SharedSpark;
import dev.ssb.testing.ClusterTest;
import dev.ssb.testing.StandaloneCluster;
import dev.ssb.testing.SubmitResult;
import dev.ssb.testing.TestBuild;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a scheduler does with what the build ships: the shaded {@code ssb-<version>-cluster.jar},
 * alone on the application's classpath, submitted in client mode to a standalone Master + Worker
 * with two executor JVMs. {@code ssb run} of the embedded toy model (its weights, DJL and the CPU
 * libtorch all from the jar) on 8 toy problems commits every stage's table and the evaluation, its
 * rollouts come from both executors and equal, row for row, a rollout of the same configuration
 * computed in this JVM from the build's classes; a submission that cannot succeed (its problems
 * file does not exist) exits 1 with the reason and commits nothing.
 *
 * <p>{@code mvn verify} builds the jar at {@code package} and runs this test after it, in its own
 * surefire execution ({@code ssb.cluster.jar.required}: a missing jar fails it there); run alone
 * without a jar it is skipped.
 */
@ClusterTest
class ClusterJarTest {

    /**
     * Jars a Spark distribution has in jars/ but the test SPARK_HOME lacks, because Maven resolved
     * them at compile scope for the application; added beside it, as on a real cluster.
     */
    private static final Set<String> SPARK_OWNED =
            Set.of(
                    "jackson-core",
                    "jackson-annotations",
                    "jackson-dataformat-yaml",
                    "commons-lang3",
                    "commons-text",
                    "commons-codec",
                    "commons-compress",
                    "guava",
                    "failureaccess",
                    "snakeyaml",
                    "univocity-parsers",
                    "gson",
                    "javassist");

    private static final int TRAIN = 8;
    private static final int TEST = 4;

    @TempDir Path tmp;

    private static Optional<Path> clusterJar() throws IOException {
        try (var files = Files.list(TestBuild.targetDir())) {
            return files.filter(p -> p.getFileName().toString().matches("ssb-.*-cluster\\.jar"))
                    .findFirst();
        }
    }

    private static List<Path> classpath(Path jar) {
        List<Path> entries = new ArrayList<>();
        for (Path dependency : TestBuild.runtimeDependencies()) {
            String artifact = dependency.getFileName().toString().replaceFirst("-\\d.*\\.jar$", "");
            if (SPARK_OWNED.contains(artifact)) {
                entries.add(dependency);
            }
        }
        entries.add(jar);
        return entries;
    }

    @Test
    void runFromTheClusterJarAloneCompletesEqualsALocalRolloutAndAFailingSubmissionExitsOne()
            throws Exception {
        Optional<Path> jar = clusterJar();
        if (Boolean.getBoolean("ssb.cluster.jar.required")) {
            assertThat(jar).as("ssb-*-cluster.jar in " + TestBuild.targetDir()).isPresent();
        }
        assumeThat(jar).as("built by mvn package").isPresent();
        TinyPipeline.problems(tmp.resolve("data"), 3, TRAIN, TEST);
        Path runs = tmp.resolve("runs");
        Map<String, String> sets = new java.util.LinkedHashMap<>();
        List<String> flags = TinyPipeline.flags();
        for (int i = 1; i < flags.size(); i += 2) {
            String[] kv = flags.get(i).split("=", 2);
            sets.put(kv[0], kv[1]);
        }
        // 4 partitions over 2 one-core executors: both executors get rollout tasks
        sets.put("data.partitions", "4");
        sets.put("eval.problems", tmp.resolve("data/test.jsonl").toString());
        List<String> args =
                TinyPipeline.runArgs(runs, "r", "embedded:toy", tmp.resolve("data/train.jsonl"));
        sets.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
        List<String> failing = new ArrayList<>(args);
        failing.set(failing.indexOf("--problems") + 1, tmp.resolve("missing.jsonl").toString());
        failing.set(failing.indexOf("--run-id") + 1, "broken");

        Map<String, String> conf = StandaloneCluster.oneCoreExecutors(2, "1g");
        StandaloneCluster cluster = StandaloneCluster.shared();
        List<Path> cp = classpath(jar.get());
        SubmitResult ok =
                cluster.submit(SsbCommand.class.getName(), cp, conf, args.toArray(String[]::new));
        // as a scheduler submits: no waiting for every executor before the application starts
        // (the failing submission ends before it needs one)
        conf.remove("spark.scheduler.minRegisteredResourcesRatio");
        conf.remove("spark.scheduler.maxRegisteredResourcesWaitingTime");
        SubmitResult bad =
                cluster.submit(
                        SsbCommand.class.getName(), cp, conf, failing.toArray(String[]::new));

        assertThat(ok.succeeded()).as(ok.describe()).isTrue();
        assertThat(ok.stdout())
                .contains("round 1 r rollout: done {problems=" + TRAIN + ", rollouts=" + 4 * TRAIN);
        for (String table :
                List.of(
                        "problems",
                        "rollouts",
                        "teacher_contexts",
                        "teacher_logits",
                        "adapter",
                        "train_metrics")) {
            assertThat(runs.resolve("r").resolve(table).resolve("_ssb_manifest.json"))
                    .as("stage output %s committed", table)
                    .isRegularFile();
        }
        JsonNode summary =
                new ObjectMapper().readTree(runs.resolve("r/eval/summary.json").toFile());
        assertThat(summary.at("/models/base/problems").asInt()).isEqualTo(TEST);
        assertThat(summary.at("/models/student/problems").asInt()).isEqualTo(TEST);

        SparkSession spark = SharedSpark.session();
        List<Row> remote = read(spark, runs.resolve("r/rollouts"));
        assertThat(remote.stream().map(r -> r.<String>getAs("executor_id")).distinct())
                .as("rollouts came from two executor JVMs")
                .hasSizeGreaterThanOrEqualTo(2)
                .doesNotContain("driver");
        SsbConfig local =
                ConfigResolver.resolve(
                        Optional.empty(),
                        sets,
                        Map.of(
                                SsbProperties.OUT,
                                runs.toString(),
                                SsbProperties.RUN_ID,
                                "local",
                                SsbProperties.MODEL_CHECKPOINT,
                                "embedded:toy",
                                SsbProperties.DATA_PROBLEMS,
                                tmp.resolve("data/train.jsonl").toString()));
        IngestStage.run(spark, local, false);
        Stages.run(Stages.ROLLOUT, spark, local, false, false);
        assertThat(rows(remote)).isEqualTo(rows(read(spark, runs.resolve("local/rollouts"))));

        assertThat(bad.exitCode()).as(bad.describe()).isEqualTo(1);
        assertThat(bad.stderr()).contains("missing.jsonl");
        assertThat(runs.resolve("broken/problems/_ssb_manifest.json")).doesNotExist();
    }

    private static List<Row> read(SparkSession spark, Path table) {
        return spark.read().parquet(table.toString()).collectAsList();
    }

    /** Every column but where and how long: the rows must not depend on the executor. */
    private static List<String> rows(List<Row> rows) {
        return rows.stream()
                .map(
                        r ->
                                java.util.Arrays.stream(r.schema().fieldNames())
                                        .filter(
                                                f ->
                                                        !f.equals("executor_id")
                                                                && !f.equals("gen_ms")
                                                                && !f.equals("run_id"))
                                        .map(f -> f + "=" + valueOf(r, f))
                                        .collect(Collectors.joining("|")))
                .sorted()
                .toList();
    }

    private static Object valueOf(Row r, String field) {
        Object v = r.getAs(field);
        return v instanceof scala.collection.Seq<?> seq ? seq.mkString(",") : v;
    }
}
