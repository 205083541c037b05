package dev.ssb.distill;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.KdExample;
import dev.ssb.worker.api.TeacherLogits;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * One row of {@code teacher_logits} as it travels from the driver to a gradient task: the student
 * prompt (chat template, question only), the teacher's own reply ids (end-of-turn included) and its
 * top-k distributions, flattened {@code [reply_len * k]} as in {@link TeacherLogits}.
 */
record TrainExample(
        String problemId,
        int[] studentPromptIds,
        int[] replyIds,
        int[] topkIds,
        float[] topkLogits,
        float[] logSumExp,
        int k,
        float temperature)
        implements Serializable {

    TrainExample {
        requireNonNull(problemId, "problemId is null");
        requireNonNull(studentPromptIds, "studentPromptIds is null");
        requireNonNull(replyIds, "replyIds is null");
        requireNonNull(topkIds, "topkIds is null");
        requireNonNull(topkLogits, "topkLogits is null");
        requireNonNull(logSumExp, "logSumExp is null");
        if (studentPromptIds.length == 0 || replyIds.length == 0) {
            throw new IllegalArgumentException(
                    "Invalid teacher_logits row " + problemId + ": empty prompt or reply");
        }
        // checks the top-k shapes against the reply length (fields are not assigned yet)
        kdExample(
                problemId,
                studentPromptIds,
                replyIds,
                topkIds,
                topkLogits,
                logSumExp,
                k,
                temperature);
    }

    /** Reads a row with the columns of {@link DistillStage#INPUT_SCHEMA}. */
    static TrainExample fromRow(Row row) {
        return new TrainExample(
                row.getAs("problem_id"),
                ints(row, "student_prompt_ids"),
                ints(row, "reply_ids"),
                ints(row, "topk_ids"),
                floats(row, "topk_logits"),
                floats(row, "logsumexp"),
                row.<Integer>getAs("k"),
                row.<Float>getAs("temperature"));
    }

    int replyLength() {
        return replyIds.length;
    }

    KdExample toKdExample() {
        return kdExample(
                problemId,
                studentPromptIds,
                replyIds,
                topkIds,
                topkLogits,
                logSumExp,
                k,
                temperature);
    }

    private static KdExample kdExample(
            String problemId,
            int[] studentPromptIds,
            int[] replyIds,
            int[] topkIds,
            float[] topkLogits,
            float[] logSumExp,
            int k,
            float temperature) {
        try {
            return new KdExample(
                    studentPromptIds,
                    replyIds,
                    new TeacherLogits(k, temperature, topkIds, topkLogits, logSumExp));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Invalid teacher_logits row " + problemId + ": " + e.getMessage(), e);
        }
    }

    private static int[] ints(Row row, String column) {
        List<Integer> list = row.getList(row.fieldIndex(column));
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    private static float[] floats(Row row, String column) {
        List<Float> list = row.getList(row.fieldIndex(column));
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }
}
