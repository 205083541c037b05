package dev.ssb.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.cli.SsbCommand;
import dev.ssb.config.ConfigResolver;
import dev.ssb.config.SsbConfig;
import dev.ssb.fixtures.RandomCheckpoints;
import dev.ssb.ingest.IngestStage;
import dev.ssb.pipeline.Stages;
import dev.ssb.spark.SharedSpark;
import dev.ssb.testing.ClusterTest;
import dev.ssb.testing.StandaloneCluster;
import dev.ssb.testing.SubmitResult;
import dev.ssb.testing.TestBuild;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ssb ingest} and {@code ssb rollout} submitted through SparkSubmit to a real standalone
 * cluster (the one the test JVM shares) with two executor JVMs: the rollouts come from both
 * executors and equal, row for row, the rollouts of the same configuration computed in this JVM.
 */
@ClusterTest
class RolloutClusterTest {

    @TempDir Path tmp;

    @Test
    void ingestAndRolloutOnTwoExecutorJvmsMatchALocalRun() throws IOException {
        Path model = RandomCheckpoints.toy(tmp.resolve("tiny"), 32, 64, 2, 2, 11);
        Path problems = Path.of(System.getProperty("ssb.data.dir", "../data"), "gsm8k_test.jsonl");
        Path conf = tmp.resolve("run.properties");
        Files.writeString(
                conf,
                String.join(
                        "\n",
                        "data.problems=" + problems,
                        "data.limit=16",
                        "data.partitions=4",
                        "model.checkpoint=" + model,
                        "rollout.samples=2",
                        "rollout.max_new_tokens=12",
                        "rollout.batch_size=4",
                        "out=" + tmp.resolve("runs"),
                        "run_id=cluster"));

        Map<String, String> sparkConf = StandaloneCluster.oneCoreExecutors(2, "1g");
        for (String stage : List.of("ingest", "rollout")) {
            SubmitResult result =
                    StandaloneCluster.shared()
                            .submit(
                                    SsbCommand.class.getName(),
                                    TestBuild.appClasspath(),
                                    sparkConf,
                                    stage,
                                    "--conf",
                                    conf.toString());
            assertThat(result.succeeded()).as(result.describe()).isTrue();
        }

        SparkSession spark = SharedSpark.session();
        List<Row> remote = read(spark, tmp.resolve("runs/cluster/rollouts"));
        assertThat(remote).hasSize(16 * 2);
        assertThat(remote.stream().map(r -> r.<String>getAs("executor_id")).distinct())
                .as("rollouts came from two executor JVMs")
                .hasSizeGreaterThanOrEqualTo(2)
                .doesNotContain("driver");

        SsbConfig local =
                ConfigResolver.resolve(Optional.of(conf.toString()), Map.of("run_id", "local"));
        IngestStage.run(spark, local, false);
        Stages.run(Stages.ROLLOUT, spark, local, false, false);
        List<Row> here = read(spark, tmp.resolve("runs/local/rollouts"));
        assertThat(rows(remote)).isEqualTo(rows(here));
    }

    private static List<Row> read(SparkSession spark, Path table) {
        return spark.read().parquet(table.toString()).collectAsList();
    }

    /** Every column but where and how long: the rows must not depend on the executor. */
    private static List<String> rows(List<Row> rows) {
        return rows.stream()
                .map(
                        r ->
                                r.schema().fieldNames().length
                                        + "|"
                                        + java.util.Arrays.stream(r.schema().fieldNames())
                                                .filter(
                                                        f ->
                                                                !f.equals("executor_id")
                                                                        && !f.equals("gen_ms")
                                                                        && !f.equals("run_id"))
                                                .map(f -> String.valueOf(valueOf(r, f)))
                                                .collect(Collectors.joining("|")))
                .sorted()
                .toList();
    }

    private static Object valueOf(Row r, String field) {
        Object v = r.getAs(field);
        return v instanceof scala.collection.Seq<?> seq ? seq.mkString(",") : v;
    }
}
