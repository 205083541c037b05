package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

/**
 * The teacher's next-token distributions over a reply, stored as top-k.
 *
 * <p>For reply position {@code i} and rank {@code j < k}: token {@code topkIds[i*k+j]} has raw
 * logit {@code topkLogits[i*k+j]}, and its probability at temperature {@code T} is exactly {@code
 * exp(topkLogits[i*k+j]/T - logSumExp[i])}, where {@code logSumExp[i]} is the log-sum-exp of the
 * full-vocabulary logits divided by T. Ranks are sorted by decreasing logit.
 *
 * @param k ids kept per position
 * @param temperature the T of logSumExp
 * @param topkIds {@code [positions * k]}
 * @param topkLogits {@code [positions * k]} raw logits (not divided by T)
 * @param logSumExp {@code [positions]}
 */
public record TeacherLogits(
        int k, float temperature, int[] topkIds, float[] topkLogits, float[] logSumExp) {
    public TeacherLogits {
        requireNonNull(topkIds, "topkIds is null");
        requireNonNull(topkLogits, "topkLogits is null");
        requireNonNull(logSumExp, "logSumExp is null");
        if (k <= 0) {
            throw new IllegalArgumentException("Invalid k: " + k + " (must be > 0)");
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException(
                    "Invalid temperature: " + temperature + " (must be > 0)");
        }
        if (topkIds.length != topkLogits.length || topkIds.length != logSumExp.length * k) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid shapes: %s ids, %s logits, %s positions at k=%s",
                            topkIds.length, topkLogits.length, logSumExp.length, k));
        }
    }

    public int positions() {
        return logSumExp.length;
    }
}
