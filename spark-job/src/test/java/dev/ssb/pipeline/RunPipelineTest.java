package dev.ssb.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.cli.CliRun;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.rollout.FakeModelRuntime;
import dev.ssb.spark.SharedSpark;
import dev.ssb.table.Manifest;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.ModelWorker;
import dev.ssb.worker.api.TeacherLogits;
import dev.ssb.worker.api.TeacherLogitsRequest;
import dev.ssb.worker.toy.ToyDataset;
import dev.ssb.worker.toy.ToyDifficulty;
import dev.ssb.worker.toy.ToyProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ssb run} through the CLI on local[2]: every stage of two rounds on the real runtime (tiny
 * random checkpoint, scripted generations), the merged student seeding round 2, and a second
 * invocation with --resume that recomputes nothing.
 */
class RunPipelineTest {

    private static final int TRAIN = 12;
    private static final int TEST = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    static String run(String... args) {
        return CliRun.ok(args);
    }

    @Test
    void twoRoundsRunEveryStageAndTheSecondStartsFromTheMergedStudent() throws Exception {
        SharedSpark.session();
        Path model = TinyPipeline.checkpoint(tmp, 5, TRAIN, TEST);
        TinyPipeline.problems(tmp.resolve("data"), 5, TRAIN, TEST);
        Path runs = tmp.resolve("runs");
        List<String> args =
                TinyPipeline.runArgs(runs, "r", model.toString(), tmp.resolve("data/train.jsonl"));
        args.addAll(
                List.of(
                        "--rounds",
                        "2",
                        "--set",
                        "eval.problems=" + tmp.resolve("data/test.jsonl")));
        args.addAll(TinyPipeline.flags());
        String first = run(args.toArray(String[]::new));

        for (String runId : List.of("r", "r-round2")) {
            for (String stage : RunPipeline.STAGES) {
                assertThat(first).contains(String.format("%s %s: done", runId, stage));
            }
        }
        assertThat(first).contains("round 1 (r):", "round 2 (r-round2):", "student-merged");

        // round 2's base is round 1's student, merged: same logits as base + adapter
        Path merged = runs.resolve("r").resolve(RunPipeline.MERGED);
        assertThat(merged.resolve("config.json")).isRegularFile();
        assertThat(manifest(runs.resolve("r-round2/rollouts")).modelId())
                .isEqualTo(RunPipeline.MERGED);
        assertThat(manifest(runs.resolve("r-round2/rollouts")).config())
                .containsEntry(SsbProperties.MODEL_CHECKPOINT, merged.toString());
        float[] viaAdapter;
        try (LanguageModel base = ModelWorker.load(model.toString(), Device.cpu())) {
            base.setAdapter(LoraAdapter.load(runs.resolve("r/adapter"), base.config()));
            viaAdapter = logits(base);
        }
        float[] plain;
        try (LanguageModel base = ModelWorker.load(model.toString(), Device.cpu())) {
            plain = logits(base);
        }
        try (LanguageModel student = ModelWorker.load(merged.toString(), Device.cpu())) {
            float[] viaMerge = logits(student);
            for (int i = 0; i < viaMerge.length; i++) {
                assertThat(viaMerge[i]).as("logit %s", i).isCloseTo(viaAdapter[i], within(1e-4f));
            }
            assertThat(maxAbsDiff(viaMerge, plain))
                    .as("the adapter was trained")
                    .isGreaterThan(1e-4f);
        }

        // evaluate compared base and this round's student (scripted: the student always answers)
        JsonNode summary = JSON.readTree(runs.resolve("r/eval/summary.json").toFile());
        assertThat(summary.at("/models/student/pass_at_1/estimate").asDouble()).isEqualTo(1.0);
        assertThat(summary.at("/models/base/pass_at_1/estimate").asDouble()).isLessThan(1.0);
        assertThat(summary.at("/models/base/problems").asInt()).isEqualTo(TEST);

        // a second invocation with --resume recomputes nothing
        Map<Path, byte[]> manifests = manifests(runs);
        assertThat(manifests).hasSizeGreaterThanOrEqualTo(2 * 6);
        args.add("--resume");
        String second = run(args.toArray(String[]::new));
        for (String runId : List.of("r", "r-round2")) {
            for (String stage : RunPipeline.STAGES) {
                assertThat(second)
                        .contains(String.format("%s %s: skipped (complete)", runId, stage));
            }
        }
        assertThat(second).doesNotContain(": done");
        Map<Path, byte[]> after = manifests(runs);
        assertThat(after.keySet()).isEqualTo(manifests.keySet());
        manifests.forEach((p, bytes) -> assertThat(after.get(p)).as(p.toString()).isEqualTo(bytes));
    }

    @Test
    void runStopsBeforeDistillWhenCurateAcceptedNothing() throws Exception {
        SharedSpark.session();
        List<ToyProblem> toy = ToyDataset.generate(17, 6, 0, ToyDifficulty.standard()).train();
        for (ToyProblem p : toy) { // every rollout right: nothing to learn from
            FakeModelRuntime.script(p.question(), List.of(Integer.toString(p.answer())));
        }
        Path input = tmp.resolve("all-correct.jsonl");
        Files.write(input, toy.stream().map(ToyDataset::toJsonLine).toList());
        CliRun.Result r =
                CliRun.execute(
                        "run",
                        "--out",
                        tmp.resolve("runs").toString(),
                        "--run-id",
                        "easy",
                        "--model",
                        "fake:toy",
                        "--problems",
                        input.toString());
        assertThat(r.code()).as("%s", r.out()).isEqualTo(1);
        assertThat(r.out()).contains("easy teacher-logits: done");
        assertThat(r.err())
                .contains(
                        "Cannot distill run easy: curate accepted no problem ({problems=6,"
                                + " accepted=0, all_correct=6,");
        assertThat(tmp.resolve("runs/easy/train_metrics")).doesNotExist();
    }

    @Test
    void roundConfigsChainRunIdsAndCheckpoints() {
        SsbConfig base =
                SsbConfig.defaults().with(SsbProperties.OUT, "/o").with(SsbProperties.RUN_ID, "x");
        assertThat(RunPipeline.roundConfig(base, 1)).isEqualTo(base);
        SsbConfig three = RunPipeline.roundConfig(base, 3);
        assertThat(three.runId()).isEqualTo("x-round3");
        assertThat(three.string(SsbProperties.MODEL_CHECKPOINT))
                .isEqualTo("/o/x-round2/" + RunPipeline.MERGED);
        assertThat(RunPipeline.roundConfig(base, 2).string(SsbProperties.MODEL_CHECKPOINT))
                .isEqualTo("/o/x/" + RunPipeline.MERGED);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunPipeline.roundConfig(base, 0))
                .hasMessage("Invalid round: 0 (must be >= 1)");
    }

    private static org.assertj.core.data.Offset<Float> within(float f) {
        return org.assertj.core.data.Offset.offset(f);
    }

    private static float maxAbsDiff(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static float[] logits(LanguageModel model) {
        int[] prompt = model.tokenizer().encode("What is 3 + 4?");
        int[] reply = model.tokenizer().encode("7");
        TeacherLogits t =
                model.teacherLogits(List.of(new TeacherLogitsRequest(prompt, reply)), 8, 1f).get(0);
        return t.topkLogits();
    }

    static Manifest manifest(Path table) throws Exception {
        return Manifest.fromJson(Files.readAllBytes(table.resolve("_ssb_manifest.json")));
    }

    static Map<Path, byte[]> manifests(Path root) throws Exception {
        Map<Path, byte[]> out = new LinkedHashMap<>();
        try (var files = Files.walk(root)) {
            for (Path p :
                    files.filter(p -> p.getFileName().toString().equals("_ssb_manifest.json"))
                            .sorted()
                            .toList()) {
                out.put(p, Files.readAllBytes(p));
            }
        }
        return out;
    }
}
