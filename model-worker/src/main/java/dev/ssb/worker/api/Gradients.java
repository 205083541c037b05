package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Combines the gradient sums of several workers: adding shards then dividing by the total token
 * count gives exactly the gradient of the global batch's per-token mean.
 */
public final class Gradients {

    private Gradients() {}

    /**
     * Adds shard results: gradients elementwise, losses, tokens and examples.
     *
     * @throws IllegalArgumentException when the list is empty or shards disagree on names or shapes
     */
    public static GradientResult sum(List<GradientResult> shards) {
        requireNonNull(shards, "shards is null");
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("Cannot sum gradients: no shards");
        }
        GradientResult first = shards.get(0);
        Map<String, HostTensor> sums = new TreeMap<>();
        first.gradientSums()
                .forEach(
                        (k, t) -> sums.put(k, new HostTensor(t.shape().clone(), t.data().clone())));
        double kd = first.lossKdSum();
        double ce = first.lossCeSum();
        long tokens = first.tokens();
        int examples = first.examples();
        for (GradientResult shard : shards.subList(1, shards.size())) {
            if (!shard.gradientSums().keySet().equals(sums.keySet())) {
                throw new IllegalArgumentException(
                        "Cannot sum gradients: shard has "
                                + new TreeMap<>(shard.gradientSums()).keySet()
                                + ", expected "
                                + sums.keySet());
            }
            for (Map.Entry<String, HostTensor> e : shard.gradientSums().entrySet()) {
                HostTensor acc = sums.get(e.getKey());
                if (!Arrays.equals(acc.shape(), e.getValue().shape())) {
                    throw new IllegalArgumentException(
                            String.format(
                                    "Cannot sum gradients: %s has shapes %s and %s",
                                    e.getKey(),
                                    Arrays.toString(acc.shape()),
                                    Arrays.toString(e.getValue().shape())));
                }
                float[] a = acc.data();
                float[] b = e.getValue().data();
                for (int i = 0; i < a.length; i++) {
                    a[i] += b[i];
                }
            }
            kd += shard.lossKdSum();
            ce += shard.lossCeSum();
            tokens += shard.tokens();
            examples += shard.examples();
        }
        return new GradientResult(sums, kd, ce, tokens, examples);
    }

    /**
     * The per-token mean gradient: every sum divided by {@code total.tokens()}.
     *
     * @throws IllegalArgumentException when the result has no tokens
     */
    public static Map<String, HostTensor> mean(GradientResult total) {
        requireNonNull(total, "total is null");
        if (total.tokens() <= 0) {
            throw new IllegalArgumentException(
                    "Cannot average gradients over " + total.tokens() + " tokens");
        }
        double inv = 1.0 / total.tokens();
        Map<String, HostTensor> out = new TreeMap<>();
        total.gradientSums()
                .forEach(
                        (k, t) -> {
                            float[] d = new float[t.size()];
                            for (int i = 0; i < d.length; i++) {
                                d[i] = (float) (t.data()[i] * inv);
                            }
                            out.put(k, new HostTensor(t.shape().clone(), d));
                        });
        return out;
    }
}
