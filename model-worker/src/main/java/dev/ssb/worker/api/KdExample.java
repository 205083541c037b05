package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

/**
 * One distillation example: the student sees {@code studentPromptIds} (chat template, question
 * only) and learns the teacher's distribution at every position of {@code replyIds} (the teacher's
 * own reply ids, end-of-turn included).
 */
public record KdExample(int[] studentPromptIds, int[] replyIds, TeacherLogits teacher) {
    public KdExample {
        requireNonNull(studentPromptIds, "studentPromptIds is null");
        requireNonNull(replyIds, "replyIds is null");
        requireNonNull(teacher, "teacher is null");
        if (teacher.positions() != replyIds.length) {
            throw new IllegalArgumentException(
                    "Invalid example: "
                            + replyIds.length
                            + " reply ids but "
                            + teacher.positions()
                            + " teacher positions");
        }
    }
}
