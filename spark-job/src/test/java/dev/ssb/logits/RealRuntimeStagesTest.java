package dev.ssb.logits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ssb.config.Prompts;
import dev.ssb.curate.CurateSettings;
import dev.ssb.curate.CurateStage;
import dev.ssb.fixtures.RandomCheckpoints;
import dev.ssb.rollout.RolloutStage;
import dev.ssb.spark.SharedSpark;
import dev.ssb.stage.Decoding;
import dev.ssb.stage.ModelTask;
import dev.ssb.stage.SampleSettings;
import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.ModelWorker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stages on the real DJL runtime (a tiny random-weight checkpoint over the toy tokenizer, 128
 * embedding rows for 100 tokenizer ids): rollouts do not depend on partitioning, and stored teacher
 * logits are an exact top-k of distributions that exclude the padded rows.
 */
class RealRuntimeStagesTest {

    private static final String SYSTEM = "You are a careful math tutor.";

    @TempDir static Path dir;
    private static String checkpoint;
    private final SparkSession spark = SharedSpark.session();

    @BeforeAll
    static void writeCheckpoint() {
        checkpoint = RandomCheckpoints.toy(dir, 32, 64, 2, 2, 7).toString();
    }

    private Dataset<Row> problems() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            rows.add(RowFactory.create("toy:" + i, "Ann has " + i + " apples. How many?", "3"));
        }
        return spark.createDataFrame(rows, RolloutStage.INPUT_SCHEMA);
    }

    private static SampleSettings rollout(int batchSize) {
        return new SampleSettings(
                new ModelTask(checkpoint, false, Device.DType.FLOAT32, 3, SYSTEM, "r", "h"),
                2,
                new Decoding(0.8f, 50, 1f, 12),
                batchSize);
    }

    @Test
    void rolloutsOnTheRealRuntimeDoNotDependOnPartitioningOrBatching() {
        List<String> one =
                rows(RolloutStage.transform(problems().repartition(1), rollout(8)).collectAsList());
        List<String> three =
                rows(RolloutStage.transform(problems().repartition(3), rollout(2)).collectAsList());
        assertThat(three).isEqualTo(one).hasSize(10);
    }

    private static List<String> rows(List<Row> rows) {
        return rows.stream()
                .sorted(
                        Comparator.comparing((Row r) -> r.<String>getAs("problem_id"))
                                .thenComparing(r -> r.<Integer>getAs("sample_idx")))
                .map(
                        r ->
                                r.getAs("problem_id")
                                        + "|"
                                        + r.getAs("sample_idx")
                                        + "|"
                                        + r.getAs("token_ids")
                                        + "|"
                                        + r.getAs("completion")
                                        + "|"
                                        + r.getAs("verdict"))
                .toList();
    }

    private Dataset<Row> contexts(LanguageModel model) {
        int endOfTurn = model.stopTokenIds().get(0);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int[] prompt =
                    model.encodeChat(
                            List.of(ChatMessage.system(SYSTEM), ChatMessage.user("Hint " + i)),
                            true);
            int[] text = model.tokenizer().encode("Step " + i + ": 2 + " + i + " = " + (2 + i));
            int[] reply = java.util.Arrays.copyOf(text, text.length + 1);
            reply[text.length] = endOfTurn;
            rows.add(RowFactory.create("toy:" + i, "Question " + i + "?", prompt, reply, true));
        }
        return spark.createDataFrame(rows, TeacherLogitsStage.INPUT_SCHEMA);
    }

    private static LogitsSettings logits(int k, int batchSize) {
        return new LogitsSettings(
                new ModelTask(checkpoint, false, Device.DType.FLOAT32, 0L, SYSTEM, "r", "h"),
                k,
                2f,
                batchSize);
    }

    @Test
    void teacherLogitsAreAnExactTopKOverTheTokenizerVocabulary() {
        int tokenizerVocab;
        Dataset<Row> contexts;
        try (LanguageModel model = ModelWorker.load(checkpoint, Device.cpu())) {
            tokenizerVocab = model.tokenizer().vocabSize();
            contexts = contexts(model);
        }
        assertThat(tokenizerVocab).isLessThan(128); // padded embedding rows exist
        Map<String, Row> top5 = byId(TeacherLogitsStage.transform(contexts, logits(5, 3)));
        Map<String, Row> full =
                byId(
                        TeacherLogitsStage.transform(
                                contexts.repartition(2), logits(tokenizerVocab, 1)));
        assertThat(top5.keySet()).hasSize(4).isEqualTo(full.keySet());
        for (String id : top5.keySet()) {
            Row r = top5.get(id);
            Row f = full.get(id);
            int n = r.getAs("reply_len");
            List<Integer> ids = r.getList(r.fieldIndex("topk_ids"));
            List<Float> logits = r.getList(r.fieldIndex("topk_logits"));
            List<Float> lse = r.getList(r.fieldIndex("logsumexp"));
            List<Integer> fullIds = f.getList(f.fieldIndex("topk_ids"));
            List<Float> fullLogits = f.getList(f.fieldIndex("topk_logits"));
            List<Float> fullLse = f.getList(f.fieldIndex("logsumexp"));
            int v = f.getAs("k");
            for (int i = 0; i < n; i++) {
                Set<Integer> seen = new HashSet<>();
                double mass = 0;
                for (int j = 0; j < 5; j++) {
                    int tok = ids.get(i * 5 + j);
                    assertThat(tok).isBetween(0, tokenizerVocab - 1);
                    assertThat(seen.add(tok)).isTrue();
                    if (j > 0) {
                        assertThat(logits.get(i * 5 + j))
                                .isLessThanOrEqualTo(logits.get(i * 5 + j - 1));
                    }
                    // the top 5 are the first 5 of the full distribution, same logits
                    assertThat(logits.get(i * 5 + j))
                            .isCloseTo(fullLogits.get(i * v + j), within(1e-4f));
                    mass += Math.exp(logits.get(i * 5 + j) / 2.0 - lse.get(i));
                }
                assertThat(mass).isLessThan(1.0 + 1e-5);
                assertThat(lse.get(i)).isCloseTo(fullLse.get(i), within(1e-4f));
                double total = 0;
                for (int j = 0; j < v; j++) {
                    total += Math.exp(fullLogits.get(i * v + j) / 2.0 - fullLse.get(i));
                }
                assertThat(total)
                        .as("k = vocabulary: the whole distribution")
                        .isCloseTo(1.0, within(1e-4));
                assertThat(new HashSet<>(fullIds.subList(i * v, (i + 1) * v)))
                        .hasSize(tokenizerVocab);
            }
        }
    }

    @Test
    void curateRendersTheHintedTeacherTurnWithTheCheckpointsChatTemplate() {
        List<Row> problems = new ArrayList<>();
        List<Row> rollouts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = "toy:" + i;
            problems.add(RowFactory.create(id, "What is " + i + " + 3?", Integer.toString(i + 3)));
            rollouts.add(
                    RowFactory.create(
                            id,
                            0,
                            "so \\boxed{" + (i + 3) + "}",
                            "CORRECT",
                            Integer.toString(i + 3),
                            "m"));
            rollouts.add(
                    RowFactory.create(
                            id,
                            1,
                            "so \\boxed{" + (i + 4) + "}",
                            "WRONG",
                            Integer.toString(i + 4),
                            "m"));
        }
        String template = Prompts.read("conf/prompts/teacher.txt").replaceAll("[\\r\\n]+$", "");
        CurateSettings settings =
                new CurateSettings(
                        new ModelTask(
                                checkpoint, false, Device.DType.FLOAT32, 11, SYSTEM, "r", "h"),
                        new Decoding(0.4f, 50, 1f, 8),
                        2,
                        template);
        List<Row> rows =
                CurateStage.transform(
                                spark.createDataFrame(problems, CurateStage.PROBLEMS_INPUT),
                                spark.createDataFrame(rollouts, CurateStage.ROLLOUTS_INPUT),
                                settings)
                        .collectAsList();
        assertThat(rows).hasSize(3);
        try (LanguageModel model = ModelWorker.load(checkpoint, Device.cpu())) {
            for (Row r : rows) {
                String prompt = r.getAs("teacher_prompt");
                List<Integer> ids = r.getList(r.fieldIndex("teacher_prompt_ids"));
                int[] expected =
                        model.encodeChat(
                                List.of(ChatMessage.system(SYSTEM), ChatMessage.user(prompt)),
                                true);
                assertThat(ids)
                        .containsExactly(
                                java.util.Arrays.stream(expected).boxed().toArray(Integer[]::new));
                assertThat(model.tokenizer().decode(expected))
                        .startsWith(
                                "<|im_start|>system\n"
                                        + SYSTEM
                                        + "<|im_end|>\n<|im_start|>user\nProblem:\n")
                        .endsWith("<|im_end|>\n<|im_start|>assistant\n");
                List<Integer> reply = r.getList(r.fieldIndex("teacher_token_ids"));
                assertThat(reply).isNotEmpty().hasSizeLessThanOrEqualTo(8);
                boolean stopped = "STOP".equals(r.getAs("teacher_finish_reason"));
                assertThat(r.<Boolean>getAs("accepted"))
                        .isEqualTo(stopped && "CORRECT".equals(r.getAs("teacher_verdict")));
                if (!stopped) {
                    assertThat(r.<String>getAs("reject_reason")).isEqualTo("teacher_truncated");
                }
                assertThat(r.<String>getAs("model_id")).isEqualTo("model");
            }
        }
    }

    private static Map<String, Row> byId(Dataset<Row> rows) {
        return rows.collectAsList().stream()
                .collect(Collectors.toMap(r -> r.<String>getAs("problem_id"), Function.identity()));
    }
}
