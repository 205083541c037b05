package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * Gradients of one shard of a batch. Everything is a <em>sum</em> over the shard's reply tokens, so
 * shards combine by adding and the global mean is {@code sum / tokens} — which makes N workers
 * exactly equal to one worker with the same global batch.
 *
 * @param gradientSums per parameter name (PEFT key), same shape as the parameter
 * @param lossKdSum sum over tokens of T²·KL
 * @param lossCeSum sum over tokens of cross-entropy
 * @param tokens reply tokens in the shard
 * @param examples examples in the shard
 */
public record GradientResult(
        Map<String, HostTensor> gradientSums,
        double lossKdSum,
        double lossCeSum,
        long tokens,
        int examples) {
    public GradientResult {
        gradientSums = Map.copyOf(requireNonNull(gradientSums, "gradientSums is null"));
    }
}
