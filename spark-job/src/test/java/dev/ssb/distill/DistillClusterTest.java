package dev.ssb.distill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.cli.SsbCommand;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.spark.SharedSpark;
import dev.ssb.testing.ClusterTest;
import dev.ssb.testing.ConfFile;
import dev.ssb.testing.StandaloneCluster;
import dev.ssb.testing.SubmitResult;
import dev.ssb.testing.TestBuild;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ssb distill} submitted to a real standalone cluster with two one-core executor JVMs and
 * {@code distill.workers=2}: its per-step losses equal those of a single-shard run in this JVM.
 */
@ClusterTest
class DistillClusterTest {

    @TempDir Path tmp;

    @Test
    void twoExecutorJvmsGiveTheSameLossCurveAsOneWorker() throws IOException {
        SparkSession spark = SharedSpark.session();
        Path model = TinyTeacherRun.writeCheckpoint(tmp.resolve("tiny-qwen"));
        SsbConfig local =
                TinyTeacherRun.config(tmp.resolve("runs"), "local", model)
                        .with(SsbProperties.DISTILL_WORKERS, 1);
        TinyTeacherRun.writeTeacherLogits(spark, local, 6);
        DistillStage.run(spark, local, false, false);
        SsbConfig remote =
                local.with(SsbProperties.RUN_ID, "cluster").with(SsbProperties.DISTILL_WORKERS, 2);
        TinyTeacherRun.writeTeacherLogits(spark, remote, 6);
        Path conf = ConfFile.write(remote, tmp.resolve("cluster.properties"));

        Map<String, String> sparkConf = StandaloneCluster.oneCoreExecutors(2, "1g");
        SubmitResult result =
                StandaloneCluster.shared()
                        .submit(
                                SsbCommand.class.getName(),
                                TestBuild.appClasspath(),
                                sparkConf,
                                "distill",
                                "--conf",
                                conf.toString());

        assertThat(result.succeeded()).as(result.describe()).isTrue();
        List<Row> one = metrics(spark, local);
        List<Row> two = metrics(spark, remote);
        assertThat(two).hasSize(one.size()).hasSize(6);
        for (int i = 0; i < one.size(); i++) {
            assertThat(two.get(i).<Integer>getAs("workers")).isEqualTo(2);
            double a = one.get(i).getAs("loss");
            double b = two.get(i).getAs("loss");
            assertThat(Math.abs(a - b) / a).as("step %s", i + 1).isLessThan(1e-4);
        }
    }

    private static List<Row> metrics(SparkSession spark, SsbConfig config) {
        return spark.read()
                .parquet(
                        Path.of(config.out(), config.runId(), DistillStage.TRAIN_METRICS)
                                .toString())
                .orderBy("step")
                .collectAsList();
    }
}
