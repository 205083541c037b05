package dev.ssb.eval;

import static java.util.Objects.requireNonNull;

/**
 * One problem's result for one model: what the summary aggregates.
 *
 * @param tag which model
 * @param problemId the problem
 * @param samples n, the samples drawn
 * @param correct samples with verdict CORRECT
 * @param majorityCorrect whether the majority vote over the samples is correct
 * @param tokens generated tokens summed over the samples
 * @param truncated samples cut at max_new_tokens
 */
record ProblemScore(
        ModelTag tag,
        String problemId,
        int samples,
        int correct,
        boolean majorityCorrect,
        long tokens,
        int truncated) {

    ProblemScore {
        requireNonNull(tag, "tag is null");
        requireNonNull(problemId, "problemId is null");
        if (samples < 1) {
            throw new IllegalArgumentException("Invalid samples: " + samples + " (must be >= 1)");
        }
        if (correct < 0 || correct > samples) {
            throw new IllegalArgumentException(
                    "Invalid correct: " + correct + " (must be in [0, " + samples + "])");
        }
        if (truncated < 0 || truncated > samples) {
            throw new IllegalArgumentException(
                    "Invalid truncated: " + truncated + " (must be in [0, " + samples + "])");
        }
    }

    /** This problem's pass@1: the fraction of its samples that are correct. */
    double passAt1() {
        return correct / (double) samples;
    }
}
