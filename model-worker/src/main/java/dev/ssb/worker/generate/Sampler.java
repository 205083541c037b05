package dev.ssb.worker.generate;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.SamplingParams;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks one sequence's next tokens from its own random stream: temperature, then top-k, then top-p,
 * as Hugging Face's warpers do. Exactly one uniform draw per sampled token, so the tokens of a
 * sequence depend only on its seed and its logits. Temperature 0 is greedy (ties: lowest id).
 */
public final class Sampler {
    private final SamplingParams params;
    private final SplittableRandom random;

    public Sampler(SamplingParams params, long seed) {
        this.params = requireNonNull(params, "params is null");
        this.random = new SplittableRandom(seed);
    }

    /**
     * Picks a token among {@code count} candidates: candidate {@code i} has logit {@code
     * logits[offset + i]} and id {@code ids == null ? i : ids[i]}.
     */
    public int pick(float[] logits, int offset, int[] ids, int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("Invalid candidate count: " + count);
        }
        if (params.isGreedy()) {
            return argMax(logits, offset, ids, count);
        }
        double u = random.nextDouble();
        double invT = 1.0 / params.temperature();
        boolean truncates = params.topP() < 1f || (params.topK() > 0 && params.topK() < count);
        if (ids == null && !truncates) {
            return sampleInIdOrder(logits, offset, count, invT, u);
        }
        long[] keys = sortedKeys(logits, offset, ids, count);
        int kept = params.topK() > 0 ? Math.min(params.topK(), count) : count;
        double max = logitOf(keys[0]) * invT;
        double[] weights = new double[kept];
        double total = 0;
        for (int j = 0; j < kept; j++) {
            weights[j] = Math.exp(logitOf(keys[j]) * invT - max);
            total += weights[j];
        }
        if (params.topP() < 1f) {
            // candidate j stays while the mass strictly above it is < top_p (as HF's TopP warper)
            double above = 0;
            int nucleus = 0;
            while (nucleus < kept && above < params.topP() * total) {
                above += weights[nucleus];
                nucleus++;
            }
            kept = Math.max(1, nucleus);
            total = above;
        }
        double target = u * total;
        double cumulative = 0;
        for (int j = 0; j < kept; j++) {
            cumulative += weights[j];
            if (target < cumulative) {
                return (int) keys[j];
            }
        }
        return (int) keys[kept - 1];
    }

    /** Plain temperature sampling over the whole vocabulary, walking ids in increasing order. */
    private static int sampleInIdOrder(
            float[] logits, int offset, int count, double invT, double u) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, logits[offset + i] * invT);
        }
        double total = 0;
        for (int i = 0; i < count; i++) {
            total += Math.exp(logits[offset + i] * invT - max);
        }
        double target = u * total;
        double cumulative = 0;
        int last = 0;
        for (int i = 0; i < count; i++) {
            double w = Math.exp(logits[offset + i] * invT - max);
            cumulative += w;
            if (w > 0) {
                last = i;
            }
            if (target < cumulative) {
                return i;
            }
        }
        return last;
    }

    private static int id(int[] ids, int candidate) {
        return ids == null ? candidate : ids[candidate];
    }

    private static int argMax(float[] logits, int offset, int[] ids, int count) {
        int best = 0;
        for (int i = 1; i < count; i++) {
            float a = logits[offset + i];
            float b = logits[offset + best];
            if (a > b || (a == b && id(ids, i) < id(ids, best))) {
                best = i;
            }
        }
        return id(ids, best);
    }

    /**
     * Candidates as sortable keys (high 32 bits: order-reversed logit, low 32 bits: id), sorted by
     * decreasing logit then increasing id: the order does not depend on how the candidates were
     * handed in.
     */
    private static long[] sortedKeys(float[] logits, int offset, int[] ids, int count) {
        long[] keys = new long[count];
        for (int i = 0; i < count; i++) {
            keys[i] =
                    ((long) ~ordered(Float.floatToIntBits(logits[offset + i])) << 32)
                            | (id(ids, i) & 0xffffffffL);
        }
        Arrays.sort(keys);
        return keys;
    }

    /** Maps float bits to an int whose signed order is the float order (an involution). */
    private static int ordered(int bits) {
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    private static float logitOf(long key) {
        return Float.intBitsToFloat(ordered(~(int) (key >>> 32)));
    }
}
