package dev.ssb.grpo;

import dev.ssb.distill.TrainingPlot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The GRPO training dynamics, drawn by distill's {@link TrainingPlot}: reward and the fractions of
 * zero-signal groups and clipped tokens, the loss, entropy (and KL to the base when computed),
 * gradient norm and reply length, against the step.
 */
final class GrpoPlot {

    private GrpoPlot() {}

    static byte[] png(List<GrpoMetrics> metrics, String title) {
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("Cannot plot grpo: no steps");
        }
        Map<String, double[]> rewards = new LinkedHashMap<>();
        rewards.put("reward mean", values(metrics, GrpoMetrics::rewardMean));
        rewards.put("zero-signal groups", values(metrics, GrpoMetrics::zeroSignalFraction));
        rewards.put("clipped tokens", values(metrics, GrpoMetrics::clipFraction));
        Map<String, double[]> drift = new LinkedHashMap<>();
        drift.put("entropy", values(metrics, GrpoMetrics::entropy));
        if (metrics.stream().allMatch(m -> m.kl().isPresent())) {
            drift.put("KL to base", values(metrics, m -> m.kl().getAsDouble()));
        }
        return TrainingPlot.png(
                values(metrics, GrpoMetrics::step),
                List.of(
                        new TrainingPlot.Panel(title + ": reward and fractions", "", rewards),
                        new TrainingPlot.Panel(
                                "loss per reply token",
                                "loss",
                                Map.of("loss", values(metrics, GrpoMetrics::loss))),
                        new TrainingPlot.Panel("per-token entropy and KL", "nats", drift),
                        new TrainingPlot.Panel(
                                "gradient norm (before clipping)",
                                "grad norm",
                                Map.of("grad norm", values(metrics, GrpoMetrics::gradNorm))),
                        new TrainingPlot.Panel(
                                "mean reply length",
                                "tokens",
                                Map.of("reply length", values(metrics, GrpoMetrics::replyLen)))));
    }

    private static double[] values(List<GrpoMetrics> metrics, ToDoubleFunction<GrpoMetrics> f) {
        return metrics.stream().mapToDouble(f).toArray();
    }
}
