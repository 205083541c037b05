package dev.ssb.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real cluster (a Master, a Worker offering 2 cores and 2 fake GPUs, executors in their own
 * JVMs) shared by the tests of this class; the last test closes it.
 */
@ClusterTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;
    private StandaloneCluster cluster;

    @BeforeAll
    void startCluster() throws URISyntaxException {
        Path fakeGpus = Path.of(getClass().getResource("/fake-gpus.sh").toURI());
        cluster =
                StandaloneCluster.builder()
                        .workerCores(2)
                        .workerMemory("2g")
                        .gpus(2, fakeGpus)
                        .start();
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Two one-core executors of 1g; both must register before the first task is scheduled. */
    private static Map<String, String> twoExecutors() {
        return StandaloneCluster.oneCoreExecutors(2, "1g");
    }

    @Test
    @Order(2)
    void eachTaskGetsOneGpuAndTheExecutorsDifferentOnes() {
        Path out = tmp.resolve("gpu-probe");
        Map<String, String> conf = twoExecutors();
        conf.put("spark.executor.resource.gpu.amount", "1");
        conf.put("spark.task.resource.gpu.amount", "1");
        SubmitResult result =
                cluster.submit(
                        ProbeJob.class.getName(), TestBuild.appClasspath(), conf, out.toString());

        assertThat(result.succeeded()).as(result.describe()).isTrue();
        List<JsonNode> rows = readRows(out);
        assertThat(rows).hasSize(8);
        for (JsonNode row : rows) {
            assertThat(row.get("gpu_addresses")).as(row.toString()).hasSize(1);
            assertThat(row.get("gpu_id").asInt())
                    .as(row.toString())
                    .isEqualTo(Integer.parseInt(row.get("gpu_addresses").get(0).asText()));
        }
        Map<Long, Set<Integer>> gpusByExecutor =
                rows.stream()
                        .collect(
                                Collectors.groupingBy(
                                        r -> r.get("executor_pid").asLong(),
                                        Collectors.mapping(
                                                r -> r.get("gpu_id").asInt(), Collectors.toSet())));
        assertThat(gpusByExecutor).hasSize(2);
        // an executor keeps its GPU for all its tasks, and no two executors share one
        assertThat(gpusByExecutor.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
        Set<Integer> used =
                gpusByExecutor.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
        assertThat(used).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    @Order(3)
    void failingMainExitsNonZeroInClientMode() {
        SubmitResult result =
                cluster.submit(FailingJob.class.getName(), TestBuild.appClasspath(), Map.of());

        assertThat(result.timedOut()).as(result.describe()).isFalse();
        assertThat(result.exitCode()).as(result.describe()).isNotZero();
        assertThat(result.stderr()).contains(FailingJob.MESSAGE);
    }

    @Test
    @Order(4)
    void tasksRunInSeparateExecutorJvmsAndCloseStopsEveryProcess() throws Exception {
        Path out = tmp.resolve("held");
        // the driver holds the application (and its executors) for 10 minutes after writing
        CompletableFuture<SubmitResult> held =
                CompletableFuture.supplyAsync(
                        () ->
                                cluster.submit(
                                        ProbeJob.class.getName(),
                                        TestBuild.appClasspath(),
                                        twoExecutors(),
                                        out.toString(),
                                        "8",
                                        "600000"));
        awaitFile(out.resolve("_SUCCESS"), Duration.ofMinutes(4), held);
        List<JsonNode> rows = readRows(out);
        assertThat(rows)
                .extracting(r -> r.get("partition").asInt())
                .containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7);
        Set<Long> executorPids = longs(rows, "executor_pid");
        assertThat(executorPids).hasSizeGreaterThanOrEqualTo(2);
        assertThat(strings(rows, "executor_id")).hasSize(executorPids.size());
        // neither the test JVM nor the worker ran a task
        assertThat(executorPids).doesNotContain(ProcessHandle.current().pid(), cluster.workerPid());
        // the app asked for no GPU, so its tasks got none although the worker has two
        assertThat(rows).allSatisfy(r -> assertThat(r.get("gpu_addresses")).isEmpty());
        assertThat(rows).extracting(r -> r.get("gpu_id").asInt()).containsOnly(-1);
        Set<Long> workerChildren =
                ProcessHandle.of(cluster.workerPid())
                        .orElseThrow()
                        .descendants()
                        .map(ProcessHandle::pid)
                        .collect(Collectors.toSet());
        assertThat(workerChildren).containsAll(executorPids);
        List<Long> pids = new ArrayList<>(cluster.startedPids());
        pids.addAll(executorPids);
        Path workDir = cluster.workDir();

        cluster.close();

        assertThat(pids)
                .allSatisfy(
                        pid ->
                                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                                        .as("pid %d", pid)
                                        .isNotEqualTo(Optional.of(true)));
        SubmitResult result = held.get(30, TimeUnit.SECONDS);
        assertThat(result.exitCode()).isNotZero();
        // the driver was the spark-submit JVM, and it ran no task
        assertThat(longs(rows, "driver_pid")).containsExactly(result.pid());
        assertThat(executorPids).doesNotContain(result.pid());
        assertThat(workDir).doesNotExist();
    }

    private static void awaitFile(Path file, Duration timeout, CompletableFuture<?> job)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            assertThat(job).as("the held job ended early: %s", job).isNotDone();
            assertThat(System.nanoTime()).as("waiting for %s", file).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private static List<JsonNode> readRows(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<JsonNode> rows = new ArrayList<>();
            for (Path part :
                    files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                for (String line : Files.readAllLines(part)) {
                    if (!line.isBlank()) {
                        rows.add(JSON.readTree(line));
                    }
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<Long> longs(List<JsonNode> rows, String field) {
        return rows.stream()
                .map(r -> Objects.requireNonNull(r.get(field), field).asLong())
                .collect(Collectors.toSet());
    }

    private static Set<String> strings(List<JsonNode> rows, String field) {
        return rows.stream()
                .map(r -> Objects.requireNonNull(r.get(field), field).asText())
                .collect(Collectors.toSet());
    }
}
