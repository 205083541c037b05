package dev.ssb.logits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.spark.SharedSpark;
import dev.ssb.stage.ModelTask;
import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.ModelWorker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

class TeacherLogitsStageTest {

    private static final String SYSTEM = "You are a tutor.";

    private final SparkSession spark = SharedSpark.session();

    private static LogitsSettings settings(int k, int batchSize) {
        return new LogitsSettings(
                new ModelTask("fake:tutor", false, Device.DType.FLOAT32, 0L, SYSTEM, "r1", "h"),
                k,
                2f,
                batchSize);
    }

    private static int[] ids(String text, boolean endOfTurn) {
        int[] ids = text.codePoints().toArray();
        return endOfTurn ? Arrays.copyOf(ids, ids.length + 1) : ids; // id 0 ends a turn
    }

    private static Row context(String id, boolean accepted, String reply, boolean endOfTurn) {
        return RowFactory.create(
                id,
                "Question " + id + "?",
                accepted ? ids("system: S\nuser: hinted " + id + "\nassistant: ", false) : null,
                accepted ? ids(reply, endOfTurn) : null,
                accepted,
                "extra");
    }

    private Dataset<Row> contexts(Row... rows) {
        return spark.createDataFrame(
                List.of(rows),
                TeacherLogitsStage.INPUT_SCHEMA.add("reject_reason", DataTypes.StringType));
    }

    private Dataset<Row> sample() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            rows.add(context("p" + i, i % 3 != 1, "Step " + i + " gives \\boxed{7}.", true));
        }
        return contexts(rows.toArray(Row[]::new));
    }

    private static int[] array(Row r, String column) {
        return r.getList(r.fieldIndex(column)).stream()
                .mapToInt(v -> ((Number) v).intValue())
                .toArray();
    }

    @Test
    void scoresEveryAcceptedReplyPositionOverTheSampledIds() {
        List<Row> rows = TeacherLogitsStage.transform(sample(), settings(5, 2)).collectAsList();
        assertThat(rows.stream().map(r -> r.<String>getAs("problem_id")))
                .containsExactlyInAnyOrder("p0", "p2", "p3", "p5", "p6");
        for (Row r : rows) {
            String id = r.getAs("problem_id");
            int[] reply = array(r, "reply_ids");
            int n = "Step 0 gives \\boxed{7}.".length() + 1;
            assertThat(reply)
                    .isEqualTo(ids("Step " + id.substring(1) + " gives \\boxed{7}.", true));
            assertThat(r.<Integer>getAs("reply_len")).isEqualTo(n);
            assertThat(r.<Integer>getAs("k")).isEqualTo(5);
            assertThat(r.<Float>getAs("temperature")).isEqualTo(2f);
            int[] topk = array(r, "topk_ids");
            assertThat(topk).hasSize(n * 5);
            assertThat(r.getList(r.fieldIndex("topk_logits"))).hasSize(n * 5);
            assertThat(r.getList(r.fieldIndex("logsumexp"))).hasSize(n);
            for (int i = 0; i < n; i++) {
                // the fake ranks the token it is asked about first: positions line up with reply
                // ids
                assertThat(topk[i * 5]).as("position %s", i).isEqualTo(reply[i]);
            }
            assertThat(
                            new String(
                                    array(r, "teacher_prompt_ids"),
                                    0,
                                    array(r, "teacher_prompt_ids").length))
                    .isEqualTo("system: S\nuser: hinted " + id + "\nassistant: ");
            int[] student = array(r, "student_prompt_ids");
            assertThat(new String(student, 0, student.length))
                    .isEqualTo("system: " + SYSTEM + "\nuser: Question " + id + "?\nassistant: ");
            assertThat(r.<String>getAs("model_id")).isEqualTo("fake:tutor");
            assertThat(r.<String>getAs("config_hash")).isEqualTo("h");
        }
    }

    @Test
    void rowsDoNotDependOnBatchingOrPartitioning() {
        assertThat(
                        comparable(
                                TeacherLogitsStage.transform(
                                                sample().repartition(3), settings(3, 1))
                                        .collectAsList()))
                .isEqualTo(
                        comparable(
                                TeacherLogitsStage.transform(
                                                sample().repartition(1), settings(3, 8))
                                        .collectAsList()))
                .hasSize(5);
    }

    /**
     * On the embedded toy model (2,048 positions), an accepted context whose prompt + reply is over
     * the context gets no row (the manifest counts it as prompt_too_long) and the others are
     * scored.
     */
    @Test
    void aContextLongerThanTheModelIsSkippedAndTheOthersAreScored() {
        int[] prompt;
        int[] reply;
        int[] longReply = new int[2_100];
        try (LanguageModel toy = ModelWorker.load(ModelWorker.EMBEDDED, Device.cpu())) {
            prompt = toy.encodeChat(List.of(ChatMessage.user("What is 2+3?")), true);
            int stop = toy.stopTokenIds().get(0);
            int[] text = toy.tokenizer().encode("2+3=5. \\boxed{5}");
            reply = Arrays.copyOf(text, text.length + 1);
            reply[text.length] = stop;
            Arrays.fill(longReply, text[0]);
            longReply[longReply.length - 1] = stop;
        }
        Dataset<Row> contexts =
                contexts(
                        RowFactory.create("short", "What is 2+3?", prompt, reply, true, null),
                        RowFactory.create("long", "What is 2+3?", prompt, longReply, true, null));
        LogitsSettings settings =
                new LogitsSettings(
                        new ModelTask(
                                ModelWorker.EMBEDDED,
                                false,
                                Device.DType.FLOAT32,
                                0L,
                                SYSTEM,
                                "r1",
                                "h"),
                        4,
                        2f,
                        8);
        List<Row> rows = TeacherLogitsStage.transform(contexts, settings).collectAsList();
        assertThat(rows).hasSize(1);
        Row r = rows.get(0);
        assertThat(r.<String>getAs("problem_id")).isEqualTo("short");
        assertThat(array(r, "reply_ids")).isEqualTo(reply);
        assertThat(array(r, "topk_ids")).hasSize(reply.length * 4);
    }

    @Test
    void refusesAReplyWithoutItsEndOfTurnToken() {
        Dataset<Row> cut = contexts(context("cut", true, "no end", false));
        assertThatThrownBy(() -> TeacherLogitsStage.transform(cut, settings(3, 1)).collectAsList())
                .hasStackTraceContaining(
                        "Invalid teacher reply of cut: it does not end with an end-of-turn token");
    }

    @Test
    void rejectsContextsWithoutTheColumnsItReads() {
        assertThatThrownBy(
                        () ->
                                TeacherLogitsStage.transform(
                                        sample().drop("accepted"), settings(3, 1)))
                .hasMessageStartingWith(
                        "Invalid input of teacher-logits: missing column accepted boolean");
    }

    private static List<String> comparable(List<Row> rows) {
        return rows.stream()
                .sorted(Comparator.comparing((Row r) -> r.<String>getAs("problem_id")))
                .map(
                        r ->
                                Arrays.stream(r.schema().fieldNames())
                                        .map(c -> c + "=" + String.valueOf((Object) r.getAs(c)))
                                        .collect(Collectors.joining("|")))
                .toList();
    }
}
