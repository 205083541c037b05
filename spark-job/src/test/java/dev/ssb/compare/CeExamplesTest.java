package dev.ssb.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.spark.SharedSpark;
import dev.ssb.stage.ModelTask;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.KdExample;
import dev.ssb.worker.api.TeacherLogits;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Which examples and which replies each cross-entropy baseline trains on, from fixed rows. */
class CeExamplesTest {

    private static final int EOT = 99;

    private final SparkSession spark = SharedSpark.session();

    private static final StructType ROLLOUTS =
            new StructType()
                    .add("problem_id", DataTypes.StringType)
                    .add("sample_idx", DataTypes.IntegerType)
                    .add("token_ids", DataTypes.createArrayType(DataTypes.IntegerType))
                    .add("finish_reason", DataTypes.StringType)
                    .add("verdict", DataTypes.StringType)
                    .add("completion", DataTypes.StringType);

    private static final StructType CONTEXTS =
            new StructType()
                    .add("problem_id", DataTypes.StringType)
                    .add("question", DataTypes.StringType)
                    .add("accepted", DataTypes.BooleanType)
                    .add("teacher_token_ids", DataTypes.createArrayType(DataTypes.IntegerType))
                    .add("reject_reason", DataTypes.StringType);

    private static Row rollout(String id, int idx, String verdict, String finish) {
        // token ids name their sample: [problem digit, sample index, end-of-turn]
        int[] ids = {id.charAt(1) - '0', idx, EOT};
        return RowFactory.create(
                id, idx, List.of(ids[0], ids[1], ids[2]), finish, verdict, "text " + id + idx);
    }

    private Dataset<Row> problems() {
        List<Row> rows =
                List.of("p1", "p2", "p3", "p4", "p5").stream()
                        .map(id -> RowFactory.create(id, "Q " + id))
                        .toList();
        return spark.createDataFrame(
                rows,
                new StructType()
                        .add("problem_id", DataTypes.StringType)
                        .add("question", DataTypes.StringType));
    }

    private Row pair(String id, List<Integer> reply, Integer sample) {
        return spark.createDataFrame(
                        List.of(RowFactory.create(id, "Q " + id, reply, sample)), CeExamples.PAIRS)
                .collectAsList()
                .get(0);
    }

    private static List<Integer> ids(Row row) {
        return row.getList(row.fieldIndex("reply_ids"));
    }

    private static Map<String, Row> byId(Dataset<Row> rows) {
        return rows.collectAsList().stream()
                .collect(Collectors.toMap(r -> r.<String>getAs("problem_id"), r -> r));
    }

    @Test
    void rftTakesTheFirstCorrectFinishedRolloutOfEveryProblemThatHasOne() {
        Dataset<Row> rollouts =
                spark.createDataFrame(
                        List.of(
                                // mixed: samples 2 and 1 correct, listed out of order -> sample 1
                                rollout("p1", 2, "CORRECT", "STOP"),
                                rollout("p1", 0, "WRONG", "STOP"),
                                rollout("p1", 1, "CORRECT", "STOP"),
                                // all correct (curate drops it; RFT keeps it) -> sample 0
                                rollout("p2", 1, "CORRECT", "STOP"),
                                rollout("p2", 0, "CORRECT", "STOP"),
                                // all wrong -> nothing
                                rollout("p3", 0, "WRONG", "STOP"),
                                rollout("p3", 1, "NO_ANSWER", "STOP"),
                                // a correct verdict on a cut reply never trains -> sample 1
                                rollout("p4", 0, "CORRECT", "LENGTH"),
                                rollout("p4", 1, "CORRECT", "STOP"),
                                rollout("p5", 0, "TRUNCATED", "LENGTH")),
                        ROLLOUTS);
        Map<String, Row> pairs = byId(CeExamples.rftPairs(problems(), rollouts));

        assertThat(pairs.keySet()).containsExactlyInAnyOrder("p1", "p2", "p4");
        assertThat(pairs.get("p1").<Integer>getAs("source_sample_idx")).isEqualTo(1);
        assertThat(ids(pairs.get("p1"))).containsExactly(1, 1, EOT);
        assertThat(pairs.get("p2").<Integer>getAs("source_sample_idx")).isZero();
        assertThat(ids(pairs.get("p2"))).containsExactly(2, 0, EOT);
        assertThat(pairs.get("p4").<Integer>getAs("source_sample_idx")).isEqualTo(1);
        assertThat(pairs.get("p1").<String>getAs("question")).isEqualTo("Q p1");
        assertThat(CeExamples.rftPairs(problems(), rollouts).schema().fieldNames())
                .containsExactly(CeExamples.PAIRS.fieldNames());
    }

    @Test
    void sftTakesTheAcceptedTeacherRepliesOnly() {
        Dataset<Row> contexts =
                spark.createDataFrame(
                        List.of(
                                RowFactory.create("p1", "Q p1", true, List.of(5, 6, EOT), null),
                                RowFactory.create("p2", "Q p2", false, null, "all_correct"),
                                RowFactory.create(
                                        "p3", "Q p3", false, List.of(7, EOT), "teacher_wrong"),
                                RowFactory.create("p4", "Q p4", true, List.of(8, EOT), null)),
                        CONTEXTS);
        Map<String, Row> pairs = byId(CeExamples.sftPairs(contexts));

        assertThat(pairs.keySet()).containsExactlyInAnyOrder("p1", "p4");
        assertThat(ids(pairs.get("p1"))).containsExactly(5, 6, EOT);
        assertThat(pairs.get("p4").<String>getAs("question")).isEqualTo("Q p4");
        assertThat(pairs.get("p4").isNullAt(pairs.get("p4").fieldIndex("source_sample_idx")))
                .isTrue();
    }

    @Test
    void aTrainingRowIsTheReplyAsAOneHotTargetTheTrainerAccepts() {
        Row pair = pair("p1", List.of(4, 5, EOT), 2);
        ModelTask task = new ModelTask("m", false, Device.DType.FLOAT32, 1, "", "r", "h");
        Row row = CeExamples.row(pair, new int[] {1, 2}, 2f, "m", task);

        int[] reply = (int[]) row.get(2);
        int[] topk = (int[]) row.get(3);
        float[] logits = (float[]) row.get(4);
        float[] lse = (float[]) row.get(5);
        assertThat(reply).containsExactly(4, 5, EOT);
        assertThat(topk).containsExactly(reply);
        assertThat(row.getInt(6)).isEqualTo(1);
        assertThat(row.getFloat(7)).isEqualTo(2f);
        assertThat(row.getInt(8)).isEqualTo(2);
        // probability of the reply's own token at every position: exp(logit / T - lse) = 1
        for (int i = 0; i < reply.length; i++) {
            assertThat(Math.exp(logits[i] / 2f - lse[i])).isEqualTo(1.0);
        }
        KdExample kd =
                new KdExample(
                        (int[]) row.get(1),
                        reply,
                        new TeacherLogits(row.getInt(6), row.getFloat(7), topk, logits, lse));
        assertThat(kd.teacher().positions()).isEqualTo(3);
        assertThat(row.getAs(CeExamples.SCHEMA.fieldIndex("run_id")).toString()).isEqualTo("r");

        Row empty = pair("p2", List.of(), null);
        assertThatThrownBy(() -> CeExamples.row(empty, new int[] {1}, 2f, "m", task))
                .hasMessage("Invalid training pair p2: empty reply");
    }
}
