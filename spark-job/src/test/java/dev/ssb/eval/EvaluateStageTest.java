package dev.ssb.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.rollout.FakeModelRuntime;
import dev.ssb.spark.ExecutorModels;
import dev.ssb.spark.Seeds;
import dev.ssb.spark.SharedSpark;
import dev.ssb.stage.Decoding;
import dev.ssb.stage.ModelTask;
import dev.ssb.stage.SampleSettings;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage on the fake runtime ({@code dev.ssb.rollout.FakeModelRuntime}): the base model answers
 * 7, 8 or runs out of tokens, drawn from (prompt, seed); with an adapter it always answers 7.
 * Problems with gold 7 can be solved, those with gold 9 never.
 */
class EvaluateStageTest {

    private static final String MODEL = "fake:tutor";
    private static final int N = 4;

    private final SparkSession spark = SharedSpark.session();
    @TempDir Path dir;

    private Dataset<Row> problems(int count) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(RowFactory.create("gsm8k:p" + i, "What is 3 + 4? (" + i + ")", gold(i)));
        }
        return spark.createDataFrame(rows, EvaluateStage.INPUT_SCHEMA);
    }

    private static String gold(int i) {
        return i % 2 == 0 ? "7" : "9";
    }

    private static SampleSettings settings(int batchSize) {
        return new SampleSettings(
                new ModelTask(
                        MODEL, false, Device.DType.FLOAT32, 17L, "You are a tutor.", "r1", "hash"),
                N,
                new Decoding(0.8f, 50, 1f, 64),
                batchSize);
    }

    /** A PEFT adapter shaped for the fake model's config, saved in {@code target}. */
    private static Path saveAdapter(Path target) {
        ModelConfig fake =
                new ModelConfig(
                        "qwen2",
                        8,
                        16,
                        1,
                        2,
                        1,
                        4,
                        10000,
                        1e-6,
                        0x110000,
                        true,
                        true,
                        64,
                        -1,
                        List.of(0));
        LoraAdapter.initialize(new LoraConfig(2, 4f, List.of("q_proj", "v_proj")), fake, 3)
                .save(target);
        return target;
    }

    private StudentAdapter student() {
        Path adapter = saveAdapter(dir.resolve("adapter"));
        return StudentAdapter.load(adapter.toString(), spark.sparkContext().hadoopConfiguration());
    }

    @Test
    void everyProblemSampleAndModelWithTheSameSeedsForBoth() {
        StudentAdapter student = student();
        List<Row> rows =
                EvaluateStage.transform(
                                problems(6).repartition(2), settings(8), Optional.of(student))
                        .collectAsList();
        assertThat(rows).hasSize(6 * (N + 1) * 2); // n sampled + 1 greedy, per problem and model
        assertThat(rows.stream().filter(r -> r.getAs("decoding").equals("greedy")))
                .hasSize(6 * 2)
                .allMatch(r -> r.<Integer>getAs("sample_idx") == 0);
        Map<String, Long> seeds = new HashMap<>();
        for (Row r : rows) {
            String id = r.getAs("problem_id");
            int s = r.getAs("sample_idx");
            long seed = r.getAs("seed");
            assertThat(seed).isEqualTo(Seeds.seed(17L, "eval", id, s));
            Long other = seeds.put(id + "#" + s, seed);
            assertThat(other == null || other == seed).as("same seed for both tags").isTrue();
            String tag = r.getAs("model_tag");
            String completion = r.getAs("completion");
            assertThat(r.<Integer>getAs("num_tokens")).isGreaterThan(completion.length() - 1);
            assertThat(r.<String>getAs("model_id")).isEqualTo(MODEL);
            boolean goldSeven = r.<String>getAs("gold_answer").equals("7");
            if (tag.equals("student")) {
                assertThat(r.<String>getAs("adapter_hash")).isEqualTo(student.sha256());
                assertThat(r.<String>getAs("adapter_path")).isEqualTo(student.path());
                assertThat(r.<String>getAs("extracted_answer")).isEqualTo("7");
                assertThat(r.<String>getAs("verdict")).isEqualTo(goldSeven ? "CORRECT" : "WRONG");
                assertThat(r.<Integer>getAs("answer_group")).isZero();
            } else {
                assertThat(tag).isEqualTo("base");
                assertThat(r.<String>getAs("adapter_hash")).isNull();
                String answer = r.getAs("extracted_answer");
                String verdict = r.getAs("verdict");
                if (answer == null) {
                    assertThat(verdict).isEqualTo("TRUNCATED");
                    assertThat(r.<String>getAs("finish_reason")).isEqualTo("LENGTH");
                    assertThat(r.<Integer>getAs("answer_group")).isNull();
                } else {
                    assertThat(verdict)
                            .isEqualTo(answer.equals(r.getAs("gold_answer")) ? "CORRECT" : "WRONG");
                }
            }
        }
        assertThat(seeds).hasSize(6 * N);
        assertThat(
                        rows.stream()
                                .filter(r -> r.getAs("model_tag").equals("base"))
                                .map(r -> r.<String>getAs("verdict"))
                                .distinct())
                .contains("CORRECT", "WRONG", "TRUNCATED");
        // answer groups: the first sample of the problem and tag with the same answer
        Map<String, List<Row>> byProblem =
                rows.stream()
                        .collect(
                                Collectors.groupingBy(
                                        r ->
                                                r.getAs("model_tag")
                                                        + "/"
                                                        + r.getAs("decoding")
                                                        + "/"
                                                        + r.getAs("problem_id")));
        for (List<Row> samples : byProblem.values()) {
            for (Row r : samples) {
                String answer = r.getAs("extracted_answer");
                if (answer != null) {
                    int first =
                            samples.stream()
                                    .filter(o -> answer.equals(o.getAs("extracted_answer")))
                                    .mapToInt(o -> o.<Integer>getAs("sample_idx"))
                                    .min()
                                    .orElseThrow();
                    assertThat(r.<Integer>getAs("answer_group")).isEqualTo(first);
                }
            }
        }
        boolean adapterLeftOn =
                ExecutorModels.withModel(MODEL, Device.cpu(), m -> m.adapter().isPresent());
        assertThat(adapterLeftOn).as("the cached model is left without the adapter").isFalse();
    }

    @Test
    void baseRowsDoNotDependOnPartitioningOrBatching() {
        List<String> one = comparable(problems(5).repartition(1), settings(16));
        List<String> three = comparable(problems(5).repartition(3), settings(4));
        assertThat(one).hasSize(5 * (N + 1)).isEqualTo(three);
    }

    private static List<String> comparable(Dataset<Row> problems, SampleSettings settings) {
        return EvaluateStage.transform(problems, settings, Optional.empty())
                .collectAsList()
                .stream()
                .map(
                        r ->
                                r.getAs("problem_id")
                                        + "|"
                                        + r.getAs("decoding")
                                        + "|"
                                        + r.getAs("sample_idx")
                                        + "|"
                                        + r.getAs("seed")
                                        + "|"
                                        + r.getAs("completion")
                                        + "|"
                                        + r.getAs("verdict")
                                        + "|"
                                        + r.getAs("answer_group"))
                .sorted()
                .toList();
    }

    @Test
    void rejectsProblemsWithoutTheColumnsItReads() {
        assertThatThrownBy(
                        () ->
                                EvaluateStage.transform(
                                        problems(1).drop("gold_answer"),
                                        settings(4),
                                        Optional.empty()))
                .hasMessageStartingWith(
                        "Invalid input of evaluate: missing column gold_answer string");
    }

    private SsbConfig config(Path heldOut) throws Exception {
        Path prompt = dir.resolve("system.txt");
        Files.writeString(prompt, "You are a careful tutor. End with \\boxed{answer}.\n");
        return SsbConfig.defaults()
                .with(SsbProperties.OUT, dir.resolve("runs"))
                .with(SsbProperties.RUN_ID, "e2e")
                .with(SsbProperties.MODEL_CHECKPOINT, MODEL)
                .with(SsbProperties.PROMPTS_SYSTEM, prompt)
                .with(SsbProperties.EVAL_PROBLEMS, heldOut)
                .with(SsbProperties.EVAL_SAMPLES, N)
                .with(SsbProperties.EVAL_BATCH_SIZE, 8);
    }

    static Path heldOut(Path dir, int count) throws Exception {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < count; i++) {
            jsonl.append(
                    String.format(
                            "{\"question\": \"What is 3 + 4? (%d)\", \"answer\": \"So. #### %s\"}%n",
                            i, gold(i)));
        }
        Path file = dir.resolve("heldout_test.jsonl");
        Files.writeString(file, jsonl);
        return file;
    }

    @Test
    void runWritesTablesAndASummaryThatTheRowsImply() throws Exception {
        SsbConfig config = config(heldOut(dir, 8));
        saveAdapter(dir.resolve("runs").resolve("e2e").resolve("adapter")); // found by auto
        EvaluateStage.Result result = EvaluateStage.run(spark, config, false);
        assertThat(result.stage().skipped()).isFalse();
        assertThat(result.stage().manifest().counts())
                .containsEntry("problems", 8L)
                .containsEntry("samples", 8L * (N + 1) * 2);
        Path run = dir.resolve("runs").resolve("e2e");
        assertThat(run.resolve("eval_problems")).isDirectory();
        assertThat(run.resolve("problems")).doesNotExist(); // the training problems are untouched

        List<Row> rows =
                spark.read().parquet(run.resolve("eval/samples").toString()).collectAsList();
        assertThat(rows).hasSize(8 * (N + 1) * 2);
        JsonNode json = new ObjectMapper().readTree(run.resolve("eval/summary.json").toFile());
        for (String tag : List.of("base", "student")) {
            List<Row> mine =
                    rows.stream()
                            .filter(r -> r.getAs("model_tag").equals(tag))
                            .filter(r -> r.getAs("decoding").equals("sampled"))
                            .toList();
            List<Row> greedy =
                    rows.stream()
                            .filter(r -> r.getAs("model_tag").equals(tag))
                            .filter(r -> r.getAs("decoding").equals("greedy"))
                            .toList();
            assertThat(greedy).hasSize(8);
            Expected e = Expected.of(mine);
            Expected g = Expected.of(greedy);
            JsonNode m = json.at("/models/" + tag);
            assertThat(m.at("/problems").asLong()).isEqualTo(8);
            assertThat(m.at("/pass_at_1/estimate").asDouble())
                    .as(tag)
                    .isCloseTo(e.pass(), within(1e-12));
            assertThat(m.at("/maj_at_k/estimate").asDouble())
                    .as(tag)
                    .isCloseTo(e.majority(), within(1e-12));
            assertThat(m.at("/mean_tokens").asDouble()).isCloseTo(e.meanTokens(), within(1e-9));
            assertThat(m.at("/truncation_rate").asDouble())
                    .isCloseTo(e.truncation(), within(1e-12));
            assertThat(m.at("/pass_at_1/lower").asDouble()).isLessThanOrEqualTo(e.pass());
            assertThat(m.at("/pass_at_1/upper").asDouble()).isGreaterThanOrEqualTo(e.pass());
            // the strict and greedy columns, recomputed here from the rows
            assertThat(m.at("/strict_pass_at_1/estimate").asDouble())
                    .as(tag)
                    .isCloseTo(e.strictPass(), within(1e-12));
            assertThat(m.at("/greedy/problems").asLong()).isEqualTo(8);
            assertThat(m.at("/greedy/pass_at_1/estimate").asDouble())
                    .as(tag)
                    .isCloseTo(g.pass(), within(1e-12));
            assertThat(m.at("/greedy/pass_at_1/method").asText()).isEqualTo("wilson");
            assertThat(m.at("/greedy/strict_pass_at_1/estimate").asDouble())
                    .isCloseTo(g.strictPass(), within(1e-12));
            assertThat(m.at("/greedy/mean_tokens").asDouble())
                    .isCloseTo(g.meanTokens(), within(1e-9));
            assertThat(m.at("/greedy/truncation_rate").asDouble())
                    .isCloseTo(g.truncation(), within(1e-12));
        }
        assertThat(rows)
                .allMatch(
                        r ->
                                r.<Boolean>getAs("strict_correct")
                                        == (r.getAs("extracted_answer") != null
                                                && r.<String>getAs("extracted_answer")
                                                        .strip()
                                                        .equals(r.getAs("gold_answer"))));
        assertThat(json.at("/student_minus_base/greedy_pass_at_1/estimate").asDouble())
                .isCloseTo(
                        json.at("/models/student/greedy/pass_at_1/estimate").asDouble()
                                - json.at("/models/base/greedy/pass_at_1/estimate").asDouble(),
                        within(1e-12));
        assertThat(json.at("/student_minus_base/strict_pass_at_1/estimate").asDouble())
                .isCloseTo(
                        json.at("/models/student/strict_pass_at_1/estimate").asDouble()
                                - json.at("/models/base/strict_pass_at_1/estimate").asDouble(),
                        within(1e-12));
        assertThat(json.at("/teacher_tail_mass").isNull()).as("no teacher logits").isTrue();
        assertThat(json.at("/sampling/greedy/temperature").asDouble()).isZero();
        double studentPass = json.at("/models/student/pass_at_1/estimate").asDouble();
        assertThat(studentPass)
                .as("the student answers 7: right on half the problems")
                .isEqualTo(0.5);
        assertThat(json.at("/student_minus_base/pass_at_1/estimate").asDouble())
                .isCloseTo(
                        studentPass - json.at("/models/base/pass_at_1/estimate").asDouble(),
                        within(1e-12));
        assertThat(json.at("/adapter_hash").asText()).hasSize(64);
        String md = Files.readString(run.resolve("eval/summary.md"));
        assertThat(md)
                .contains("| base | 8 |", "| student | 8 |", "| student − base | 8 |")
                .contains("greedy pass@1", "sampled pass@1, n = 4", "strict greedy / sampled");

        assertThat(EvaluateStage.run(spark, config, false).stage().skipped()).isTrue();
    }

    @Test
    void theStudentsAdapterIsMergedOncePerReplicaNotPerBatch() {
        ExecutorModels.closeAll(); // fresh replicas: one base, one student in this JVM
        StudentAdapter student = student();
        int sets = FakeModelRuntime.ADAPTER_SETS.get();
        int applied = ExecutorModels.adaptersApplied();
        int adaptedCalls = FakeModelRuntime.ADAPTED_GENERATE_CALLS.get();
        List<Row> rows =
                EvaluateStage.transform(
                                problems(6).repartition(2), settings(N), Optional.of(student))
                        .collectAsList();
        assertThat(rows)
                .as("n sampled and one greedy reply per problem and model")
                .hasSize(6 * (N + 1) * 2);
        assertThat(FakeModelRuntime.ADAPTED_GENERATE_CALLS.get() - adaptedCalls)
                .as("one sampled student batch per problem (batch size = n), then the greedy ones")
                .isGreaterThanOrEqualTo(7);
        assertThat(ExecutorModels.adaptersApplied() - applied).isEqualTo(1);
        assertThat(FakeModelRuntime.ADAPTER_SETS.get() - sets)
                .as("setAdapter calls on the models themselves")
                .isEqualTo(1);
        assertThat(rows.stream().filter(r -> r.getAs("model_tag").equals("base")))
                .as("the base replica never answers as the student (always 7)")
                .anyMatch(r -> !"7".equals(r.getAs("extracted_answer")));
    }

    @Test
    void checkpointSamplingDefaultsAreUsedRecordedAndHashed() throws Exception {
        Path checkpoint = Files.createDirectories(dir.resolve("fake-checkpoint"));
        Files.writeString(checkpoint.resolve(dev.ssb.rollout.FakeModelRuntime.FAKE_MARKER), "");
        Path gen = checkpoint.resolve("generation_config.json");
        Files.writeString(
                gen,
                "{\"temperature\": 0.7, \"top_k\": 20, \"top_p\": 0.8,"
                        + " \"repetition_penalty\": 1.05, \"eos_token_id\": 0}");
        SsbConfig config =
                config(heldOut(dir, 2))
                        .with(SsbProperties.MODEL_CHECKPOINT, checkpoint)
                        .with(SsbProperties.EVAL_ADAPTER, EvaluateStage.NO_ADAPTER)
                        .with(SsbProperties.EVAL_SAMPLES, 1)
                        .with(SsbProperties.EVAL_TOP_K, "auto");
        EvaluateStage.Result first = EvaluateStage.run(spark, config, false);
        Path eval = dir.resolve("runs").resolve("e2e").resolve("eval");
        JsonNode sampling =
                new ObjectMapper().readTree(eval.resolve("summary.json").toFile()).at("/sampling");
        // auto keys (top_p, repetition_penalty by default; top_k here) from the checkpoint,
        // the explicitly set temperature (the shipped 0.8) wins over its 0.7
        assertThat(sampling.at("/top_p").asDouble()).isCloseTo(0.8, within(1e-6));
        assertThat(sampling.at("/repetition_penalty").asDouble()).isCloseTo(1.05, within(1e-6));
        assertThat(sampling.at("/top_k").asInt()).isEqualTo(20);
        assertThat(sampling.at("/temperature").asDouble()).isCloseTo(0.8, within(1e-6));
        assertThat(Files.readString(eval.resolve("summary.md")))
                .contains("top-k 20, top-p 0.8, repetition penalty 1.05");
        assertThat(first.stage().manifest().config())
                .containsEntry("eval.top_p", "0.8")
                .containsEntry("eval.repetition_penalty", "1.05")
                .containsEntry("eval.top_k", "20")
                .containsEntry("eval.temperature", "0.8");

        assertThat(EvaluateStage.run(spark, config, false).stage().skipped()).isTrue();
        Files.writeString(gen, "{\"top_p\": 0.9, \"eos_token_id\": 0}");
        assertThatThrownBy(() -> EvaluateStage.run(spark, config, false))
                .as("a changed generation_config.json changes the stage hash")
                .hasMessageContaining("Cannot reuse stage evaluate of run e2e");
        EvaluateStage.Result changed = EvaluateStage.run(spark, config, true);
        assertThat(changed.stage().manifest().config())
                .containsEntry("eval.top_p", "0.9")
                .containsEntry("eval.repetition_penalty", "1.0")
                .containsEntry("eval.top_k", "50");
    }

    /** The summary numbers computed here from the rows alone, independently of the stage. */
    private record Expected(
            double pass, double majority, double meanTokens, double truncation, double strictPass) {
        static Expected of(List<Row> rows) {
            Map<String, List<Row>> byProblem = new TreeMap<>();
            rows.forEach(
                    r ->
                            byProblem
                                    .computeIfAbsent(r.getAs("problem_id"), k -> new ArrayList<>())
                                    .add(r));
            double pass = 0;
            double strict = 0;
            double majority = 0;
            for (List<Row> samples : byProblem.values()) {
                samples.sort(Comparator.comparingInt(r -> r.<Integer>getAs("sample_idx")));
                pass +=
                        samples.stream().filter(r -> r.getAs("verdict").equals("CORRECT")).count()
                                / (double) samples.size();
                strict +=
                        samples.stream()
                                        .filter(
                                                r ->
                                                        r.getAs("extracted_answer") != null
                                                                && r.<String>getAs(
                                                                                "extracted_answer")
                                                                        .replaceAll("\\s", "")
                                                                        .equals(
                                                                                r.getAs(
                                                                                        "gold_answer")))
                                        .count()
                                / (double) samples.size();
                Map<String, Integer> votes = new java.util.LinkedHashMap<>(); // first seen first
                for (Row r : samples) {
                    String a = r.getAs("extracted_answer");
                    if (a != null) {
                        votes.merge(a, 1, Integer::sum);
                    }
                }
                String winner = null;
                for (Map.Entry<String, Integer> v : votes.entrySet()) {
                    if (winner == null || v.getValue() > votes.get(winner)) {
                        winner = v.getKey();
                    }
                }
                majority +=
                        winner != null && winner.equals(samples.get(0).getAs("gold_answer"))
                                ? 1
                                : 0;
            }
            double tokens = rows.stream().mapToInt(r -> r.<Integer>getAs("num_tokens")).sum();
            long cut = rows.stream().filter(r -> r.getAs("finish_reason").equals("LENGTH")).count();
            return new Expected(
                    pass / byProblem.size(),
                    majority / byProblem.size(),
                    tokens / rows.size(),
                    cut / (double) rows.size(),
                    strict / byProblem.size());
        }
    }

    @Test
    void withoutAnAdapterOnlyTheBaseIsEvaluatedAndATagSeparatesHeldOutSets() throws Exception {
        SsbConfig config =
                config(heldOut(dir, 3))
                        .with(SsbProperties.EVAL_ADAPTER, EvaluateStage.NO_ADAPTER)
                        .with(SsbProperties.EVAL_TAG, "small")
                        .with(SsbProperties.EVAL_SAMPLES, 1)
                        .with(SsbProperties.EVAL_TEMPERATURE, 0);
        EvaluateStage.run(spark, config, false);
        Path run = dir.resolve("runs").resolve("e2e");
        assertThat(run.resolve("eval_problems-small")).isDirectory();
        List<Row> rows =
                spark.read().parquet(run.resolve("eval-small/samples").toString()).collectAsList();
        assertThat(rows).hasSize(3 * 2); // the sampled pass is greedy too, and so is the greedy one
        assertThat(rows).allMatch(r -> r.getAs("model_tag").equals("base"));
        JsonNode json =
                new ObjectMapper().readTree(run.resolve("eval-small/summary.json").toFile());
        assertThat(json.has("student_minus_base")).isFalse();
        assertThat(json.at("/models/base/pass_at_1/method").asText()).isEqualTo("wilson");
        assertThat(json.at("/adapter_path").isNull()).isTrue();
    }

    @Test
    void aMissingAdapterOrHeldOutSetIsNamed() throws Exception {
        SsbConfig config =
                config(heldOut(dir, 2)).with(SsbProperties.EVAL_ADAPTER, dir.resolve("nothing"));
        assertThatThrownBy(() -> EvaluateStage.run(spark, config, false))
                .hasMessageContaining("Cannot load adapter")
                .hasMessageContaining("missing adapter_config.json");
        assertThat(dir.resolve("runs").resolve("e2e").resolve("eval_problems"))
                .as("checked before anything is written")
                .doesNotExist();
        SsbConfig noProblems =
                config.with(SsbProperties.EVAL_PROBLEMS, "")
                        .with(SsbProperties.RUN_ID, "empty")
                        .with(SsbProperties.EVAL_ADAPTER, EvaluateStage.NO_ADAPTER);
        assertThatThrownBy(() -> EvaluateStage.run(spark, noProblems, false))
                .hasMessageContaining("table eval_problems of run empty is not complete");
        Path onlyBad = dir.resolve("bad_test.jsonl");
        Files.writeString(onlyBad, "{\"question\": \"\", \"answer\": \"#### 7\"}\n");
        SsbConfig allRejected = noProblems.with(SsbProperties.EVAL_PROBLEMS, onlyBad);
        assertThatThrownBy(() -> EvaluateStage.run(spark, allRejected, false))
                .hasMessage(
                        "Cannot run evaluate: table eval_problems of run empty has no problems (see"
                                + " eval_rejected)");
    }
}
