package dev.ssb.distill;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.GradientResult;
import dev.ssb.worker.api.HostTensor;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link GradientResult} in a Java-serializable form, as a gradient task returns it: sums over
 * the shard's reply tokens, so shards add up to the global batch.
 *
 * @param names parameter names, sorted
 * @param shapes shape of each gradient
 * @param sums gradient sums, row-major
 * @param lossKdSum sum over tokens of T²·KL
 * @param lossCeSum sum over tokens of cross-entropy
 * @param tokens reply tokens of the shard
 * @param examples examples of the shard
 */
record ShardGradient(
        List<String> names,
        List<long[]> shapes,
        List<float[]> sums,
        double lossKdSum,
        double lossCeSum,
        long tokens,
        int examples)
        implements Serializable {

    ShardGradient {
        names = List.copyOf(requireNonNull(names, "names is null"));
        shapes = List.copyOf(requireNonNull(shapes, "shapes is null"));
        sums = List.copyOf(requireNonNull(sums, "sums is null"));
        if (names.size() != shapes.size() || names.size() != sums.size()) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid shard gradient: %s names, %s shapes, %s tensors",
                            names.size(), shapes.size(), sums.size()));
        }
    }

    static ShardGradient of(GradientResult result) {
        TreeMap<String, HostTensor> sorted = new TreeMap<>(result.gradientSums());
        return new ShardGradient(
                List.copyOf(sorted.keySet()),
                sorted.values().stream().map(HostTensor::shape).toList(),
                sorted.values().stream().map(HostTensor::data).toList(),
                result.lossKdSum(),
                result.lossCeSum(),
                result.tokens(),
                result.examples());
    }

    GradientResult toResult() {
        Map<String, HostTensor> grads = new TreeMap<>();
        for (int i = 0; i < names.size(); i++) {
            grads.put(names.get(i), new HostTensor(shapes.get(i), sums.get(i)));
        }
        return new GradientResult(grads, lossKdSum, lossCeSum, tokens, examples);
    }
}
