package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.ssb.spark.SharedSpark;
import dev.ssb.testing.ClusterTest;
import dev.ssb.testing.StandaloneCluster;
import dev.ssb.testing.SubmitResult;
import dev.ssb.testing.TestBuild;
import dev.ssb.worker.toy.ToyDataset;
import dev.ssb.worker.toy.ToyDifficulty;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded {@code ssb-<version>-cluster.jar}, alone on the application's classpath, submitted to
 * a standalone cluster: {@code ssb ingest} and {@code ssb rollout} of the embedded toy model (DJL
 * and its CPU libtorch from the jar) on 4 toy problems commit their tables, and a failing command
 * makes spark-submit exit non-zero. {@code mvn verify -Pcluster-jar} builds the jar and runs this
 * test after {@code package} ({@code ssb.cluster.jar.required}: a missing jar fails it); in a plain
 * {@code mvn verify} it is skipped unless a jar was built before.
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

    private static final int PROBLEMS = 4;

    @TempDir Path tmp;

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static Optional<Path> clusterJar() throws IOException {
        try (var files = Files.list(TestBuild.targetDir())) {
            return files.filter(p -> p.getFileName().toString().matches("ssb-.*-cluster\\.jar"))
                    .findFirst();
        }
    }

    private static List<Path> classpath(Path jar) {
        List<Path> entries = new ArrayList<>();
        for (Path dependency : TestBuild.runtimeDependencies()) {
            String name = dependency.getFileName().toString();
            String artifact = name.replaceFirst("-\\d.*\\.jar$", "");
            if (SPARK_OWNED.contains(artifact)) {
                entries.add(dependency);
            }
        }
        entries.add(jar);
        return entries;
    }

    @Test
    void ingestAndRolloutRunFromTheClusterJarAloneAndFailuresExitNonZero() throws Exception {
        Optional<Path> jar = clusterJar();
        if (Boolean.getBoolean("ssb.cluster.jar.required")) {
            assertThat(jar).as("ssb-*-cluster.jar in " + TestBuild.targetDir()).isPresent();
        }
        assumeThat(jar).as("built with mvn -Pcluster-jar package").isPresent();
        ToyDataset.write(tmp.resolve("data"), 5, PROBLEMS, 0, ToyDifficulty.embedded());
        Path problems = tmp.resolve("data/train.jsonl");
        Path out = tmp.resolve("runs");
        Map<String, String> conf =
                Map.of(
                        "spark.executor.memory",
                        "1g",
                        "spark.executor.cores",
                        "1",
                        "spark.executor.extraJavaOptions",
                        "-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1"
                                + " -Dai.djl.pytorch.num_interop_threads=1");
        String[] run = {
            "--out", out.toString(),
            "--run-id", "jar",
            "--model", "embedded:toy",
            "--set", "rollout.samples=2",
            "--set", "rollout.max_new_tokens=32"
        };
        SubmitResult ok;
        SubmitResult rollout;
        SubmitResult failed;
        try (StandaloneCluster cluster =
                StandaloneCluster.builder().workerCores(1).workerMemory("1g").start()) {
            List<Path> cp = classpath(jar.get());
            ok =
                    cluster.submit(
                            SsbCommand.class.getName(),
                            cp,
                            conf,
                            concat(
                                    new String[] {"ingest", "--problems", problems.toString()},
                                    run));
            rollout =
                    ok.succeeded()
                            ? cluster.submit(
                                    SsbCommand.class.getName(),
                                    cp,
                                    conf,
                                    concat(new String[] {"rollout"}, run))
                            : ok;
            failed =
                    cluster.submit(
                            SsbCommand.class.getName(),
                            cp,
                            conf,
                            "curate",
                            "--out",
                            out.toString(),
                            "--run-id",
                            "missing");
        }
        assertThat(ok.succeeded()).as(ok.describe()).isTrue();
        assertThat(ok.stdout())
                .contains(
                        "ingest done: "
                                + PROBLEMS
                                + " input rows -> "
                                + PROBLEMS
                                + " problems, 0 rejected");
        assertThat(rollout.succeeded()).as(rollout.describe()).isTrue();
        assertThat(rollout.stdout())
                .contains("rollout done: {problems=" + PROBLEMS + ", rollouts=8");
        var rollouts = SharedSpark.session().read().parquet(out.resolve("jar/rollouts").toString());
        assertThat(rollouts.count()).isEqualTo(2L * PROBLEMS);
        assertThat(rollouts.filter("num_tokens > 0").count())
                .as("generated by the embedded model from the jar")
                .isEqualTo(2L * PROBLEMS);
        assertThat(failed.exitCode()).as(failed.describe()).isEqualTo(1);
        assertThat(failed.stderr())
                .contains(
                        "ssb curate: Cannot run curate: table problems of run missing is not complete");
    }
}
