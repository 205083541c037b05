package dev.ssb.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.ssb.cli.SsbCommand;
import dev.ssb.spark.SharedSpark;
import dev.ssb.testing.ClusterTest;
import dev.ssb.testing.MiniYarn;
import dev.ssb.testing.SubmitResult;
import dev.ssb.testing.TestBuild;
import dev.ssb.worker.toy.ToyDataset;
import dev.ssb.worker.toy.ToyDifficulty;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.deploy.yarn.Client;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real YARN: Hadoop's MiniYARNCluster (a ResourceManager and one NodeManager, started and stopped
 * here; the local file system as default FS) takes a client-mode {@code spark-submit --master yarn}
 * of {@code ssb rollout} on 4 toy problems with the embedded toy model. Its executor runs in a YARN
 * container, the application finishes SUCCEEDED, the rollouts equal a local run's row for row, and
 * no process it started outlives the test. Slow (a minute or more here): {@code mvn -Pyarn} runs
 * it, otherwise it is skipped ({@code ssb.yarn.test}).
 */
@ClusterTest
class YarnRunTest {

    private static final int PROBLEMS = 4;
    private static final String RUN = "y";

    @TempDir Path tmp;

    @Test
    void rolloutSubmittedToYarnGivesTheRowsOfALocalRollout() throws Exception {
        assumeThat(Boolean.getBoolean("ssb.yarn.test")).as("run with mvn -Pyarn").isTrue();
        Path problems = tmp.resolve("data/train.jsonl");
        ToyDataset.write(tmp.resolve("data"), 7, PROBLEMS, 0, ToyDifficulty.embedded());
        Path local = tmp.resolve("local");
        Path onYarn = tmp.resolve("yarn");
        // the same problems table under both folders; rollout runs locally here, and on YARN
        for (Path out : List.of(local, onYarn)) {
            RunPipelineTest.run(stage("ingest", out, "--problems", problems.toString()));
        }
        assertThat(RunPipelineTest.run(stage("rollout", local)))
                .startsWith("rollout done: {problems=" + PROBLEMS + ", rollouts=8,");

        long t0 = System.nanoTime();
        SubmitResult submitted;
        List<String> applications;
        List<ProcessHandle> leftovers;
        try (MiniYarn yarn = MiniYarn.start(tmp.resolve("yarn-work"), 4096, 2)) {
            long started = System.nanoTime();
            Map<String, String> conf = yarn.sparkConf(sparkJars());
            conf.put("spark.executor.instances", "1");
            conf.put("spark.executor.cores", "1");
            conf.put("spark.executor.memory", "1g");
            conf.put("spark.executor.extraClassPath", classpath(TestBuild.appClasspath()));
            // Spark's jars that Maven resolved at the application's scope (Jackson, commons-*),
            // which a Spark distribution's jars/ holds: in client mode the YARN client puts
            // spark.driver.extraClassPath on the application master's classpath
            conf.put("spark.driver.extraClassPath", classpath(TestBuild.runtimeDependencies()));
            conf.put(
                    "spark.executor.extraJavaOptions",
                    "-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1"
                            + " -Dai.djl.pytorch.num_interop_threads=1");
            conf.put("spark.executorEnv.DJL_OFFLINE", "true");
            String djlCache = System.getenv("DJL_CACHE_DIR");
            if (djlCache != null) {
                conf.put("spark.executorEnv.DJL_CACHE_DIR", djlCache);
            }
            List<Path> driver = new ArrayList<>(sparkJars());
            driver.addAll(TestBuild.appClasspath());
            submitted =
                    yarn.submit(SsbCommand.class.getName(), driver, conf, stage("rollout", onYarn));
            applications = yarn.applicationsWhenDone(Duration.ofSeconds(30));
            System.out.printf(
                    "YarnRunTest: YARN up in %d ms, rollout submission %d ms%n",
                    (started - t0) / 1_000_000, (System.nanoTime() - started) / 1_000_000);
            yarn.close();
            leftovers = yarn.leftovers();
        }
        System.out.printf(
                "YarnRunTest: YARN start + submission + stop %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);

        assertThat(submitted.succeeded())
                .as("%s%nYARN applications: %s", submitted.describe(), applications)
                .isTrue();
        assertThat(submitted.stdout())
                .contains("rollout done: {problems=" + PROBLEMS + ", rollouts=8,");
        assertThat(applications)
                .as("one application, unregistered as succeeded (its AM may still be FINISHING)")
                .singleElement()
                .asString()
                .matches("application_\\d+_0001 FINISH(ING|ED) SUCCEEDED");
        assertThat(leftovers).as("processes YARN or spark-submit left running").isEmpty();

        SparkSession spark = SharedSpark.session();
        Dataset<Row> yarnRows = spark.read().parquet(onYarn.resolve(RUN + "/rollouts").toString());
        Dataset<Row> localRows = spark.read().parquet(local.resolve(RUN + "/rollouts").toString());
        assertThat(yarnRows.count()).isEqualTo(2L * PROBLEMS);
        assertThat(yarnRows.filter("executor_id = 'driver'").count())
                .as("rows generated in a YARN container, not in the driver")
                .isZero();
        assertThat(yarnRows.filter("num_tokens > 0").count()).isEqualTo(2L * PROBLEMS);
        Dataset<Row> a = ComparableRows.of(yarnRows);
        Dataset<Row> b = ComparableRows.of(localRows);
        assertThat(a.exceptAll(b).count()).as("YARN rows not in the local run").isZero();
        assertThat(b.exceptAll(a).count()).as("local rows not in the YARN run").isZero();
    }

    private static String[] stage(String name, Path out, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                name,
                                "--out",
                                out.toString(),
                                "--run-id",
                                RUN,
                                "--model",
                                "embedded:toy",
                                "--set",
                                "rollout.samples=2",
                                "--set",
                                "rollout.max_new_tokens=32",
                                "--set",
                                "data.partitions=2"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** Spark's jars (a distribution's {@code jars/}) and Spark's YARN client. */
    private static List<Path> sparkJars() throws URISyntaxException {
        Path yarnClient =
                Path.of(Client.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return List.of(TestBuild.sparkHome().resolve("jars").resolve("*"), yarnClient);
    }

    private static String classpath(List<Path> entries) {
        return String.join(
                java.io.File.pathSeparator, entries.stream().map(Path::toString).toList());
    }
}
