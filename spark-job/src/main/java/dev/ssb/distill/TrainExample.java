package dev.ssb.distill;

import static java.util.Objects.requireNonNull;

import dev.ssb.spark.RowArrays;
import dev.ssb.worker.api.KdExample;
import dev.ssb.worker.api.TeacherLogits;
import java.io.Serializable;
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
    }

    /** Reads a row with the columns of {@link DistillStage#INPUT_SCHEMA}. */
    static TrainExample fromRow(Row row) {
        TrainExample example =
                new TrainExample(
                        row.getAs("problem_id"),
                        RowArrays.ints(row, "student_prompt_ids"),
                        RowArrays.ints(row, "reply_ids"),
                        RowArrays.ints(row, "topk_ids"),
                        RowArrays.floats(row, "topk_logits"),
                        RowArrays.floats(row, "logsumexp"),
                        row.<Integer>getAs("k"),
                        row.<Float>getAs("temperature"));
        example.toKdExample(); // checks the top-k shapes against the reply length
        return example;
    }

    int replyLength() {
        return replyIds.length;
    }

    /**
     * @throws IllegalArgumentException naming the row when the top-k shapes do not match the reply
     */
    KdExample toKdExample() {
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
}
