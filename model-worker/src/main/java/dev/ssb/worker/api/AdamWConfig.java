package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

/**
 * AdamW hyper-parameters with PyTorch's {@code torch.optim.AdamW} semantics, global gradient-norm
 * clipping ({@code torch.nn.utils.clip_grad_norm_}) and a warmup + decay schedule.
 *
 * @param lr peak learning rate, &gt; 0
 * @param beta1 first-moment decay in [0, 1)
 * @param beta2 second-moment decay in [0, 1)
 * @param eps added to √v̂ (outside the square root), &gt; 0
 * @param weightDecay decoupled decay {@code p -= lr · weightDecay · p}, &gt;= 0
 * @param maxGradNorm clip the global L2 norm of the gradients to this, &gt; 0; {@code
 *     Double.POSITIVE_INFINITY} disables clipping
 * @param warmupSteps updates of linear warmup, &gt;= 0
 * @param totalSteps planned number of updates (the decay's horizon), &gt; warmupSteps unless the
 *     schedule is CONSTANT
 * @param schedule decay after warmup
 */
public record AdamWConfig(
        double lr,
        double beta1,
        double beta2,
        double eps,
        double weightDecay,
        double maxGradNorm,
        long warmupSteps,
        long totalSteps,
        LrSchedule schedule) {

    public AdamWConfig {
        requireNonNull(schedule, "schedule is null");
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("Invalid lr: " + lr + " (must be > 0)");
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("Invalid beta1: " + beta1 + " (must be in [0, 1))");
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Invalid beta2: " + beta2 + " (must be in [0, 1))");
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("Invalid eps: " + eps + " (must be > 0)");
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException(
                    "Invalid weight_decay: " + weightDecay + " (must be >= 0)");
        }
        if (!(maxGradNorm > 0)) {
            throw new IllegalArgumentException(
                    "Invalid max_grad_norm: " + maxGradNorm + " (must be > 0 or Infinity)");
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException(
                    "Invalid warmup_steps: " + warmupSteps + " (must be >= 0)");
        }
        if (totalSteps <= 0) {
            throw new IllegalArgumentException(
                    "Invalid total_steps: " + totalSteps + " (must be > 0)");
        }
        if (schedule != LrSchedule.CONSTANT && totalSteps <= warmupSteps) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid total_steps: %s (must exceed warmup_steps %s for a %s"
                                    + " schedule)",
                            totalSteps, warmupSteps, schedule));
        }
    }

    /**
     * The paper's peak rate 2e-4 with common defaults for the rest: betas (0.9, 0.999), eps 1e-8,
     * no weight decay, clipping at 1.0, constant rate.
     */
    public static AdamWConfig defaults(long totalSteps) {
        return new AdamWConfig(
                2e-4, 0.9, 0.999, 1e-8, 0.0, 1.0, 0, totalSteps, LrSchedule.CONSTANT);
    }

    /** The learning rate of update {@code stepIndex} (0-based). */
    public double lrAt(long stepIndex) {
        return lr * schedule.factor(stepIndex, warmupSteps, totalSteps);
    }

    public AdamWConfig withLr(double value) {
        return new AdamWConfig(
                value,
                beta1,
                beta2,
                eps,
                weightDecay,
                maxGradNorm,
                warmupSteps,
                totalSteps,
                schedule);
    }

    public AdamWConfig withWeightDecay(double value) {
        return new AdamWConfig(
                lr, beta1, beta2, eps, value, maxGradNorm, warmupSteps, totalSteps, schedule);
    }

    public AdamWConfig withMaxGradNorm(double value) {
        return new AdamWConfig(
                lr, beta1, beta2, eps, weightDecay, value, warmupSteps, totalSteps, schedule);
    }

    public AdamWConfig withSchedule(LrSchedule value, long warmup, long total) {
        return new AdamWConfig(
                lr, beta1, beta2, eps, weightDecay, maxGradNorm, warmup, total, value);
    }
}
