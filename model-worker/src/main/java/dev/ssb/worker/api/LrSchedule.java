package dev.ssb.worker.api;

/**
 * Learning-rate decay after the linear warmup.
 *
 * <p>For the update with 0-based index {@code s}: during warmup ({@code s < warmupSteps}) the rate
 * is {@code lr · (s + 1) / warmupSteps}; afterwards, with {@code progress = (s − warmupSteps) /
 * (totalSteps − warmupSteps)} in [0, 1), it is {@code lr} (CONSTANT), {@code lr · (1 − progress)}
 * (LINEAR) or {@code lr · ½ (1 + cos(π · progress))} (COSINE). Every update, the last one included,
 * gets a positive rate.
 */
public enum LrSchedule {
    CONSTANT,
    LINEAR,
    COSINE;

    /**
     * The multiplier of the peak rate for update {@code stepIndex} (0-based).
     *
     * @throws IllegalArgumentException when stepIndex is negative
     */
    public double factor(long stepIndex, long warmupSteps, long totalSteps) {
        if (stepIndex < 0) {
            throw new IllegalArgumentException(
                    "Invalid step index: " + stepIndex + " (must be >= 0)");
        }
        if (stepIndex < warmupSteps) {
            return (stepIndex + 1) / (double) warmupSteps;
        }
        if (this == CONSTANT) {
            return 1.0;
        }
        double progress =
                Math.min(1.0, (stepIndex - warmupSteps) / (double) (totalSteps - warmupSteps));
        return this == LINEAR ? 1.0 - progress : 0.5 * (1.0 + Math.cos(Math.PI * progress));
    }
}
