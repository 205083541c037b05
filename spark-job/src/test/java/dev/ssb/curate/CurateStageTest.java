package dev.ssb.curate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.config.Prompts;
import dev.ssb.spark.Seeds;
import dev.ssb.spark.SharedSpark;
import dev.ssb.stage.Decoding;
import dev.ssb.stage.ModelTask;
import dev.ssb.worker.api.Device;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class CurateStageTest {

    private static final String SYSTEM = "You are a tutor.";
    private static final long SEED = 5;

    private final SparkSession spark = SharedSpark.session();

    private static CurateSettings settings(int batchSize) {
        return new CurateSettings(
                new ModelTask(
                        "fake:tutor", false, Device.DType.FLOAT32, SEED, SYSTEM, "r1", "hash"),
                new Decoding(0.4f, 50, 1f, 64),
                batchSize,
                TeacherPrompt.stripTrailingNewlines(Prompts.read("conf/prompts/teacher.txt")));
    }

    private Dataset<Row> problems(List<String> ids) {
        List<Row> rows = new ArrayList<>();
        for (String id : ids) {
            rows.add(RowFactory.create(id, "Question " + id + "?", "7", "gsm8k"));
        }
        return spark.createDataFrame(rows, CurateStage.PROBLEMS_INPUT.add("source", "string"));
    }

    private static Row rollout(String id, int idx, String verdict, String answer) {
        String completion =
                answer == null
                        ? "Thinking " + id + idx
                        : "Work " + id + idx + " \\boxed{" + answer + "}";
        return RowFactory.create(id, idx, completion, verdict, answer, "fake:tutor", 3L);
    }

    /** 8 selectable problems and one of every other fate. */
    private Dataset<Row> rollouts() {
        List<Row> rows = new ArrayList<>();
        for (int p = 0; p < 8; p++) {
            String id = "sel" + p;
            rows.add(rollout(id, 0, "CORRECT", "7"));
            rows.add(rollout(id, 1, "WRONG", "1,000"));
            rows.add(rollout(id, 2, "WRONG", "1000"));
            rows.add(rollout(id, 3, "WRONG", "9"));
        }
        rows.add(rollout("right", 0, "CORRECT", "7"));
        rows.add(rollout("right", 1, "NO_ANSWER", null));
        rows.add(rollout("wrong", 0, "WRONG", "8"));
        rows.add(rollout("wrong", 1, "WRONG", "9"));
        rows.add(rollout("none", 0, "TRUNCATED", null));
        rows.add(rollout("none", 1, "NO_ANSWER", null));
        return spark.createDataFrame(rows, CurateStage.ROLLOUTS_INPUT.add("gen_ms", "long"));
    }

    private static List<String> ids() {
        List<String> ids = new ArrayList<>(List.of("right", "wrong", "none", "missing"));
        for (int p = 0; p < 8; p++) {
            ids.add("sel" + p);
        }
        return ids;
    }

    private static Map<String, Row> byId(List<Row> rows) {
        return rows.stream()
                .collect(Collectors.toMap(r -> r.<String>getAs("problem_id"), Function.identity()));
    }

    @Test
    void withoutTheWrongAttemptTheTeacherSeesTheSameSelectionButOnlyTheCorrectAttempt() {
        CurateSettings hinted = settings(3);
        CurateSettings noWrong =
                new CurateSettings(
                        hinted.model(),
                        hinted.decoding(),
                        3,
                        TeacherPrompt.stripTrailingNewlines(
                                Prompts.read("conf/prompts/teacher-nohint.txt"), false),
                        false);
        Map<String, Row> with =
                byId(CurateStage.transform(problems(ids()), rollouts(), hinted).collectAsList());
        Map<String, Row> without =
                byId(CurateStage.transform(problems(ids()), rollouts(), noWrong).collectAsList());
        for (int p = 0; p < 8; p++) {
            String id = "sel" + p;
            Row h = with.get(id);
            Row n = without.get(id);
            assertThat(n.<Integer>getAs("correct_sample_idx"))
                    .isEqualTo(h.<Integer>getAs("correct_sample_idx"));
            assertThat(n.<Integer>getAs("wrong_sample_idx"))
                    .isEqualTo(h.<Integer>getAs("wrong_sample_idx"));
            String wrong = "Work " + id + h.<Integer>getAs("wrong_sample_idx");
            assertThat(h.<String>getAs("teacher_prompt")).contains(wrong);
            assertThat(n.<String>getAs("teacher_prompt"))
                    .contains("Question " + id + "?", "Work " + id + "0 \\boxed{7}")
                    .doesNotContain(wrong)
                    .doesNotContain("wrong attempt");
        }
        assertThatThrownBy(
                        () ->
                                new CurateSettings(
                                        hinted.model(),
                                        hinted.decoding(),
                                        3,
                                        hinted.teacherTemplate(),
                                        false))
                .hasMessageContaining("{wrong_attempt} in a template that shows no wrong attempt");
    }

    @Test
    void everyProblemGetsOneRowWithItsFate() {
        Map<String, Row> rows =
                byId(
                        CurateStage.transform(problems(ids()), rollouts(), settings(3))
                                .collectAsList());
        assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(ids());
        assertThat(rows.get("right").<String>getAs("reject_reason")).isEqualTo("all_correct");
        assertThat(rows.get("wrong").<String>getAs("reject_reason")).isEqualTo("all_wrong");
        assertThat(rows.get("none").<String>getAs("reject_reason")).isEqualTo("no_answer");
        assertThat(rows.get("missing").<String>getAs("reject_reason")).isEqualTo("no_rollouts");
        assertThat(rows.get("missing").<Object>getAs("model_id")).isNull();
        for (String id : List.of("right", "wrong", "none")) {
            Row r = rows.get(id);
            assertThat(r.<Boolean>getAs("accepted")).isFalse();
            assertThat(r.<Object>getAs("teacher_prompt")).isNull();
            assertThat(r.<Object>getAs("teacher_token_ids")).isNull();
            assertThat(r.<Object>getAs("correct_sample_idx")).isNull();
            assertThat(r.<String>getAs("model_id")).isEqualTo("fake:tutor");
        }
        assertThat(rows.get("wrong").<Integer>getAs("n_wrong")).isEqualTo(2);
        assertThat(rows.get("right").<Integer>getAs("n_samples")).isEqualTo(2);
    }

    /**
     * With data.max_prompt_tokens = 100, one selected problem's long question is never sent to the
     * teacher: teacher_prompt_too_long, nothing decoded; the other problems are as without it.
     */
    @Test
    void aSelectedProblemWhosePromptDoesNotFitIsRejectedAndTheOthersAreUnchanged() {
        CurateSettings plain = settings(3);
        CurateSettings bounded =
                new CurateSettings(
                        plain.model().withLimits(100, plain.model().batchTokens()),
                        plain.decoding(),
                        plain.batchSize(),
                        plain.teacherTemplate());
        List<Row> problems = new ArrayList<>(problems(ids()).collectAsList());
        problems.replaceAll(
                r ->
                        r.getString(0).equals("sel5")
                                ? RowFactory.create("sel5", "Long? ".repeat(40), "7", "gsm8k")
                                : r);
        Dataset<Row> input = spark.createDataFrame(problems, problems(ids()).schema());
        Map<String, Row> cut =
                byId(CurateStage.transform(input, rollouts(), bounded).collectAsList());
        Map<String, Row> full =
                byId(CurateStage.transform(input, rollouts(), plain).collectAsList());

        Row longRow = cut.get("sel5");
        assertThat(longRow.<Boolean>getAs("accepted")).isFalse();
        assertThat(longRow.<String>getAs("reject_reason")).isEqualTo("teacher_prompt_too_long");
        assertThat(longRow.<String>getAs("teacher_finish_reason")).isEqualTo("PROMPT_TOO_LONG");
        assertThat(longRow.<String>getAs("teacher_verdict")).isEqualTo("PROMPT_TOO_LONG");
        assertThat(longRow.getList(longRow.fieldIndex("teacher_token_ids"))).isEmpty();
        assertThat(full.get("sel5").<String>getAs("teacher_finish_reason"))
                .isNotEqualTo("PROMPT_TOO_LONG");
        for (String id : ids()) {
            if (!id.equals("sel5")) {
                assertThat(cut.get(id).toString()).as(id).isEqualTo(full.get(id).toString());
            }
        }
    }

    @Test
    void selectedProblemsShowTheTeacherOneCorrectAndTheMostCommonWrongAttempt() {
        Map<String, Row> rows =
                byId(
                        CurateStage.transform(problems(ids()), rollouts(), settings(3))
                                .collectAsList());
        int accepted = 0;
        List<String> teacherReasons = new ArrayList<>();
        for (int p = 0; p < 8; p++) {
            String id = "sel" + p;
            Row r = rows.get(id);
            assertThat(r.<Integer>getAs("n_correct")).isEqualTo(1);
            assertThat(r.<Integer>getAs("n_wrong")).isEqualTo(3);
            assertThat(r.<Integer>getAs("correct_sample_idx")).isZero();
            int wrongIdx = r.getAs("wrong_sample_idx");
            assertThat(wrongIdx).as("1,000 and 1000 are one answer, 9 is rarer").isIn(1, 2);
            assertThat(r.<String>getAs("wrong_answer")).isEqualTo(wrongIdx == 1 ? "1,000" : "1000");
            assertThat(r.<Integer>getAs("wrong_answer_count")).isEqualTo(2);
            String prompt = r.getAs("teacher_prompt");
            assertThat(prompt)
                    .startsWith(
                            "Problem:\nQuestion "
                                    + id
                                    + "?\n\nA correct attempt:\nWork "
                                    + id
                                    + "0 \\boxed{7}\n")
                    .contains("A wrong attempt:\nWork " + id + wrongIdx + " \\boxed{");
            assertThat(decode(r.getList(r.fieldIndex("teacher_prompt_ids"))))
                    .isEqualTo("system: " + SYSTEM + "\nuser: " + prompt + "\nassistant: ");
            assertThat(r.<Long>getAs("teacher_seed"))
                    .isEqualTo(Seeds.seed(SEED, CuratePartition.TEACHER_STREAM, id, 0));
            List<Integer> reply = r.getList(r.fieldIndex("teacher_token_ids"));
            String reason = r.getAs("reject_reason");
            assertThat(r.<Boolean>getAs("accepted")).isEqualTo(reason == null);
            if (reason == null) {
                accepted++;
                assertThat(reply.get(reply.size() - 1)).as("end-of-turn id").isZero();
                assertThat(r.<String>getAs("robust_answer")).isEqualTo("7");
                assertThat(r.<String>getAs("teacher_verdict")).isEqualTo("CORRECT");
                assertThat(r.<String>getAs("teacher_finish_reason")).isEqualTo("STOP");
                assertThat(decode(reply.subList(0, reply.size() - 1)))
                        .isEqualTo(r.getAs("robust_solution"));
            } else if (reason.equals("teacher_truncated")) {
                assertThat(r.<String>getAs("teacher_finish_reason")).isEqualTo("LENGTH");
            } else {
                assertThat(reason).isEqualTo("teacher_wrong");
                assertThat(r.<String>getAs("robust_answer")).isEqualTo(r.getAs("wrong_answer"));
            }
            teacherReasons.add(String.valueOf(reason));
        }
        assertThat(accepted).isPositive();
        assertThat(teacherReasons).contains("teacher_wrong", "teacher_truncated");
    }

    @Test
    void rowsAreIdenticalWhateverThePartitioningAndBatching() {
        List<String> one =
                comparable(
                        CurateStage.transform(
                                        problems(ids()).repartition(1), rollouts(), settings(8))
                                .collectAsList());
        List<String> three =
                comparable(
                        CurateStage.transform(
                                        problems(ids()).repartition(3),
                                        rollouts().repartition(2),
                                        settings(1))
                                .collectAsList());
        assertThat(three).isEqualTo(one).hasSize(12);
    }

    @Test
    void rejectsRolloutsWithoutTheColumnsItReads() {
        assertThatThrownBy(
                        () ->
                                CurateStage.transform(
                                        problems(ids()), rollouts().drop("verdict"), settings(1)))
                .hasMessageStartingWith("Invalid input of curate: missing column verdict string");
    }

    static String decode(List<Integer> ids) {
        return ids.stream().map(Character::toString).collect(Collectors.joining());
    }

    private static List<String> comparable(List<Row> rows) {
        return rows.stream()
                .sorted(Comparator.comparing((Row r) -> r.<String>getAs("problem_id")))
                .map(
                        r -> {
                            StringBuilder sb = new StringBuilder();
                            for (int i = 0; i < r.length(); i++) {
                                Object v = r.get(i);
                                sb.append(
                                                v instanceof scala.collection.Seq<?> s
                                                        ? s.mkString(",")
                                                        : v)
                                        .append('|');
                            }
                            return sb.toString();
                        })
                .toList();
    }
}
