package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Gradients of the policy loss over one shard of a GRPO batch. As in {@link GradientResult},
 * everything is a <em>sum</em> over the shard's reply tokens, so shards add up and the batch's
 * per-token mean is {@code sum / tokens}.
 *
 * @param gradients the gradient sums (in {@link GradientResult#lossKdSum()}: the summed policy
 *     loss, surrogate plus β·KL; {@link GradientResult#lossCeSum()} is 0)
 * @param surrogateSum Σ over tokens of the clipped surrogate {@code −min(ρA, clip(ρ)A)}
 * @param klSum Σ over tokens of the KL estimate to the reference (0 without reference log-probs)
 * @param entropySum Σ over tokens of the policy's entropy at that position (nats)
 * @param clippedTokens tokens whose ratio was clipped (the clip bound was active)
 * @param logProbs per example, {@code log π_θ} of every reply token under the current policy (what
 *     later passes over the same batch use as old log-probs)
 */
public record PolicyGradientResult(
        GradientResult gradients,
        double surrogateSum,
        double klSum,
        double entropySum,
        long clippedTokens,
        List<float[]> logProbs) {
    public PolicyGradientResult {
        requireNonNull(gradients, "gradients is null");
        logProbs = List.copyOf(requireNonNull(logProbs, "logProbs is null"));
    }
}
