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
 * the shard's reply tokens, so shards add up to the global batch ({@link #plus}, on the executors).
 *
 * @param names parameter names, sorted
 * @param shapes shape of each gradient
 * @param sums gradient sums, row-major
 * @param lossKdSum sum over tokens of T²·KL
 * @param lossCeSum sum over tokens of cross-entropy
 * @param tokens reply tokens of the shard
 * @param examples examples of the shard
 */
public record ShardGradient(
        List<String> names,
        List<long[]> shapes,
        List<float[]> sums,
        double lossKdSum,
        double lossCeSum,
        long tokens,
        int examples)
        implements Serializable {

    public ShardGradient {
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

    /** The sum of no shards: the zero of {@link #plus}. */
    public static ShardGradient empty() {
        return new ShardGradient(List.of(), List.of(), List.of(), 0, 0, 0, 0);
    }

    /**
     * The sum of this and {@code other}, written into this one's arrays (a Spark aggregation may
     * reuse its first argument), or {@code other} when this is empty.
     *
     * @throws IllegalArgumentException when the two hold different tensors
     */
    public ShardGradient plus(ShardGradient other) {
        if (other.names.isEmpty()) {
            return this;
        }
        if (names.isEmpty()) {
            return other;
        }
        if (!names.equals(other.names)) {
            throw new IllegalArgumentException(
                    "Cannot add shard gradients of different tensors: "
                            + names.size()
                            + " and "
                            + other.names.size());
        }
        for (int i = 0; i < sums.size(); i++) {
            float[] a = sums.get(i);
            float[] b = other.sums.get(i);
            if (a.length != b.length) {
                throw new IllegalArgumentException(
                        "Cannot add shard gradients: " + names.get(i) + " sizes differ");
            }
            for (int j = 0; j < a.length; j++) {
                a[j] += b[j];
            }
        }
        return new ShardGradient(
                names,
                shapes,
                sums,
                lossKdSum + other.lossKdSum,
                lossCeSum + other.lossCeSum,
                tokens + other.tokens,
                examples + other.examples);
    }

    /** The serializable form of {@code result} (sharing its arrays). */
    public static ShardGradient of(GradientResult result) {
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

    /** Back to a {@link GradientResult}. */
    public GradientResult toResult() {
        Map<String, HostTensor> grads = new TreeMap<>();
        for (int i = 0; i < names.size(); i++) {
            grads.put(names.get(i), new HostTensor(shapes.get(i), sums.get(i)));
        }
        return new GradientResult(grads, lossKdSum, lossCeSum, tokens, examples);
    }
}
