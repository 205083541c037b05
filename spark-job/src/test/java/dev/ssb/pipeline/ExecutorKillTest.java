package dev.ssb.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.cli.SsbCommand;
import dev.ssb.rollout.RolloutStage;
import dev.ssb.spark.SharedSpark;
import dev.ssb.testing.ClusterTest;
import dev.ssb.testing.StandaloneCluster;
import dev.ssb.testing.SubmitResult;
import dev.ssb.testing.TestBuild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout stage submitted to a standalone cluster with two executor JVMs, one of which is
 * killed (SIGKILL) while it generates: the stage still completes, every (problem, sample) is there
 * exactly once, and the rows equal those of an undisturbed local run (apart from executor_id and
 * gen_ms, which say where and how fast).
 */
@ClusterTest
class ExecutorKillTest {

    private static final int PROBLEMS = 24;
    private static final int SAMPLES = 4;

    @TempDir Path tmp;

    @Test
    void rolloutSurvivesAKilledExecutorWithIdenticalRows() throws Exception {
        SparkSession spark = SharedSpark.session();
        Path model = TinyPipeline.checkpoint(tmp, 9, PROBLEMS, 0);
        TinyPipeline.problems(tmp.resolve("data"), 9, PROBLEMS, 0);
        List<String> flags = new ArrayList<>(TinyPipeline.flags());
        flags.addAll(List.of("--set", "data.partitions=12", "--set", "rollout.batch_size=4"));
        for (String out : List.of("local", "cluster")) {
            RunPipelineTest.run(
                    args(
                            "ingest",
                            tmp.resolve(out),
                            model,
                            flags,
                            "--problems",
                            tmp.resolve("data/train.jsonl").toString()));
        }
        RunPipelineTest.run(args("rollout", tmp.resolve("local"), model, flags));

        Path markers = Files.createDirectories(tmp.resolve("markers"));
        Map<String, String> conf = StandaloneCluster.oneCoreExecutors(2, "1g");
        conf.merge(
                "spark.executor.extraJavaOptions",
                " -D"
                        + ScriptedRuntime.DELAY_MS
                        + "=400 -D"
                        + ScriptedRuntime.MARKERS
                        + "="
                        + markers,
                String::concat);
        AtomicLong killed = new AtomicLong(-1);
        StandaloneCluster cluster = StandaloneCluster.shared();
        Thread killer = new Thread(() -> killFirstGeneratingExecutor(cluster, markers, killed));
        killer.setDaemon(true);
        killer.start();
        SubmitResult result =
                cluster.submit(
                        SsbCommand.class.getName(),
                        TestBuild.appClasspath(),
                        conf,
                        args("rollout", tmp.resolve("cluster"), model, flags));
        killer.join(10_000);

        assertThat(result.succeeded()).as(result.describe()).isTrue();
        assertThat(killed.get()).as("an executor was killed mid-stage").isPositive();
        Set<String> generating = pids(markers);
        assertThat(generating)
                .as("another executor JVM finished the stage")
                .contains(Long.toString(killed.get()))
                .hasSizeGreaterThanOrEqualTo(2);

        Dataset<Row> local = rollouts(spark, tmp.resolve("local"));
        Dataset<Row> remote = rollouts(spark, tmp.resolve("cluster"));
        assertThat(remote.count()).isEqualTo((long) PROBLEMS * SAMPLES);
        assertThat(remote.select("problem_id", "sample_idx").distinct().count())
                .isEqualTo((long) PROBLEMS * SAMPLES);
        assertThat(remote.select("problem_id").distinct().count()).isEqualTo(PROBLEMS);
        assertThat(rows(remote)).isEqualTo(rows(local));
    }

    /** Waits for the first generate call on an executor, then SIGKILLs that executor's JVM. */
    private static void killFirstGeneratingExecutor(
            StandaloneCluster cluster, Path markers, AtomicLong killed) {
        long deadline = System.nanoTime() + 180_000_000_000L;
        try {
            while (System.nanoTime() < deadline) {
                Set<String> pids = pids(markers);
                if (!pids.isEmpty()) {
                    long pid = Long.parseLong(pids.iterator().next());
                    ProcessHandle executor =
                            ProcessHandle.of(cluster.workerPid())
                                    .orElseThrow()
                                    .descendants()
                                    .filter(p -> p.pid() == pid)
                                    .findFirst()
                                    .orElseThrow(
                                            () ->
                                                    new IllegalStateException(
                                                            pid
                                                                    + " is not an executor of the worker"));
                    executor.destroyForcibly();
                    killed.set(pid);
                    return;
                }
                Thread.sleep(20);
            }
        } catch (Exception e) {
            killed.set(-2);
        }
    }

    private static Set<String> pids(Path markers) {
        try (Stream<Path> files = Files.list(markers)) {
            return files.map(p -> p.getFileName().toString().split("-")[0])
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Dataset<Row> rollouts(SparkSession spark, Path out) {
        return spark.read().parquet(out.resolve("r").resolve(RolloutStage.ROLLOUTS).toString());
    }

    /** Every row as text, without the columns that record where and how fast. */
    private static List<String> rows(Dataset<Row> rollouts) {
        return rollouts.drop("executor_id", "gen_ms").collectAsList().stream()
                .map(Row::toString)
                .sorted()
                .toList();
    }

    private static String[] args(
            String command, Path out, Path model, List<String> flags, String... extra) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                command,
                                "--out",
                                out.toString(),
                                "--run-id",
                                "r",
                                "--model",
                                model.toString()));
        args.addAll(flags);
        args.addAll(Arrays.asList(extra));
        return args.toArray(String[]::new);
    }
}
