package dev.ssb.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.distill.DistillStage;
import dev.ssb.spark.SharedSpark;
import dev.ssb.table.Manifest;
import dev.ssb.testing.ClusterTest;
import dev.ssb.testing.SsbJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver of {@code ssb run} killed (SIGKILL) during distill: {@code ssb run --resume} finishes
 * from the newest distill checkpoint without recomputing an earlier stage, and ends with the same
 * adapter, bit for bit, as a run that was never interrupted.
 */
@ClusterTest
class DriverKillTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final List<String> EARLIER =
            List.of("problems", "rejected", "rollouts", "teacher_contexts", "teacher_logits");

    @TempDir Path tmp;

    @Test
    void resumeAfterAKilledDriverRecomputesNoEarlierStageAndEndsWithTheSameAdapter()
            throws Exception {
        SharedSpark.session();
        Path model = TinyPipeline.checkpoint(tmp, 3, 12, 0);
        TinyPipeline.problems(tmp.resolve("data"), 3, 12, 0);
        List<String> flags = new ArrayList<>(TinyPipeline.flags());
        // enough optimizer steps to be caught mid-distill: the 7 accepted examples x 4 epochs,
        // batch 1, a checkpoint every step; the driver is killed right after the first of 28
        flags.addAll(List.of("--set", "distill.batch_size=1", "--set", "distill.epochs=4"));

        String[] killed = args(tmp.resolve("killed"), model, flags);
        Path run = tmp.resolve("killed/r");
        Path checkpoints = run.resolve("distill/checkpoints");
        Process driver = launch(killed, tmp.resolve("driver.log"));
        try {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!hasCheckpoint(checkpoints)) {
                assertThat(driver.isAlive())
                        .as("driver exited before distill: %s", log(tmp.resolve("driver.log")))
                        .isTrue();
                assertThat(System.nanoTime())
                        .as("no distill checkpoint in time")
                        .isLessThan(deadline);
                Thread.sleep(50);
            }
            driver.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
            assertThat(driver.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            if (driver.isAlive()) {
                driver.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        assertThat(run.resolve(DistillStage.ADAPTER).resolve("_ssb_manifest.json"))
                .as("killed before distill finished")
                .doesNotExist();
        Map<Path, byte[]> manifests = new LinkedHashMap<>();
        Map<Path, FileTime> times = new LinkedHashMap<>();
        for (String table : EARLIER) {
            Path m = run.resolve(table).resolve("_ssb_manifest.json");
            manifests.put(m, Files.readAllBytes(m));
            times.put(m, Files.getLastModifiedTime(m));
        }

        String resumed = RunPipelineTest.run(withResume(killed));
        for (String stage : List.of("ingest", "rollout", "curate", "teacher-logits")) {
            assertThat(resumed).contains("r " + stage + ": skipped (complete)");
        }
        assertThat(resumed).contains("r distill: done");
        for (Path m : manifests.keySet()) {
            assertThat(Files.readAllBytes(m)).as(m.toString()).isEqualTo(manifests.get(m));
            assertThat(Files.getLastModifiedTime(m)).as(m.toString()).isEqualTo(times.get(m));
        }
        Manifest distill =
                Manifest.fromJson(
                        Files.readAllBytes(
                                run.resolve(DistillStage.TRAIN_METRICS)
                                        .resolve("_ssb_manifest.json")));
        assertThat(distill.count("resumed_from_step")).isPositive();

        RunPipelineTest.run(args(tmp.resolve("whole"), model, flags));
        String weights = "adapter/adapter_model.safetensors";
        assertThat(Files.readAllBytes(run.resolve(weights)))
                .isEqualTo(Files.readAllBytes(tmp.resolve("whole/r").resolve(weights)));
    }

    private static String[] args(Path out, Path model, List<String> flags) {
        List<String> args =
                TinyPipeline.runArgs(
                        out,
                        "r",
                        model.toString(),
                        model.getParent().getParent().resolve("data/train.jsonl"));
        args.addAll(flags);
        return args.toArray(String[]::new);
    }

    private static String[] withResume(String[] args) {
        String[] out = Arrays.copyOf(args, args.length + 1);
        out[args.length] = "--resume";
        return out;
    }

    private static boolean hasCheckpoint(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) {
            return false;
        }
        try (Stream<Path> dirs = Files.list(checkpoints)) {
            return dirs.anyMatch(p -> p.getFileName().toString().startsWith("step-"));
        }
    }

    /** {@code ssb ARGS} in a new JVM on local[2], as the launcher would start it. */
    private static Process launch(String[] args, Path log) throws IOException {
        return SsbJvm.start(
                2,
                List.of(),
                List.of("-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"),
                Arrays.asList(args),
                log);
    }

    private static String log(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
