package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded {@code ssb-<version>-cluster.jar} (built by {@code -Pcluster-jar}; skipped without it)
 * submitted to a standalone cluster on its own: {@code ssb ingest} commits its tables, a failing
 * command makes spark-submit exit non-zero.
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
    void ingestRunsFromTheClusterJarAloneAndFailuresExitNonZero() throws Exception {
        Optional<Path> jar = clusterJar();
        assumeThat(jar).as("built with mvn -Pcluster-jar package").isPresent();
        Path gsm8k = Path.of(System.getProperty("ssb.data.dir", "../data"), "gsm8k_test.jsonl");
        Path out = tmp.resolve("runs");
        Map<String, String> conf =
                Map.of("spark.executor.memory", "1g", "spark.executor.cores", "1");
        SubmitResult ok;
        SubmitResult failed;
        try (StandaloneCluster cluster =
                StandaloneCluster.builder().workerCores(1).workerMemory("1g").start()) {
            List<Path> cp = classpath(jar.get());
            ok =
                    cluster.submit(
                            SsbCommand.class.getName(),
                            cp,
                            conf,
                            "ingest",
                            "--problems",
                            gsm8k.toString(),
                            "--set",
                            "data.limit=12",
                            "--out",
                            out.toString(),
                            "--run-id",
                            "jar");
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
        assertThat(ok.stdout()).contains("ingest done: 12 input rows -> 12 problems, 0 rejected");
        assertThat(
                        SharedSpark.session()
                                .read()
                                .parquet(out.resolve("jar/problems").toString())
                                .count())
                .isEqualTo(12);
        assertThat(failed.exitCode()).as(failed.describe()).isEqualTo(1);
        assertThat(failed.stderr())
                .contains(
                        "ssb curate: Cannot run curate: table problems of run missing is not complete");
    }
}
