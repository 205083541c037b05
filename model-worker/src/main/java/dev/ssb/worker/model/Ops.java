package dev.ssb.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * The decoder's building blocks as functions of NDArrays. Each result is attached to the manager of
 * its first array argument, so a step's temporaries stay in the step's manager.
 */
final class Ops {
    /** Additive mask for forbidden keys: exp underflows to exactly 0 without producing NaN. */
    static final float MASKED = -1e9f;

    private Ops() {}

    /** cos and sin of the rotary angles, {@code [batch, 1, seq, headDim]}. */
    record Rope(NDArray cos, NDArray sin) {}

    /** y = x·Wᵀ + b for HF's {@code [out, in]} weight (b may be null). */
    static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
    }

    /** RMSNorm computed in float32 as HF does, then cast back and scaled by {@code weight}. */
    static NDArray rmsNorm(NDArray x, NDArray weight, float eps, DataType dtype) {
        NDArray xf = dtype == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray variance = xf.square().mean(new int[] {-1}, true);
        NDArray normed = xf.div(variance.add(eps).sqrt());
        if (dtype != DataType.FLOAT32) {
            normed = normed.toType(dtype, false);
        }
        return normed.mul(weight);
    }

    /**
     * Rotary tables of positions {@code [batch, seq]} (float32) for inverse frequencies {@code [1,
     * 1, headDim / 2]}: angles are duplicated over both halves, HF's layout.
     */
    static Rope rope(NDArray positions, NDArray invFreq, DataType dtype) {
        long batch = positions.getShape().get(0);
        long seq = positions.getShape().get(1);
        NDArray freqs = positions.reshape(batch, seq, 1).mul(invFreq);
        NDArray emb = freqs.concat(freqs, 2).expandDims(1);
        NDArray cos = emb.cos();
        NDArray sin = emb.sin();
        if (dtype != DataType.FLOAT32) {
            cos = cos.toType(dtype, false);
            sin = sin.toType(dtype, false);
        }
        return new Rope(cos, sin);
    }

    /**
     * {@code x·cos + rotate_half(x)·sin} with rotate_half(x) = [-x2, x1] on {@code [b, h, s, d]}.
     */
    static NDArray applyRope(NDArray x, Rope rope) {
        NDList halves = x.split(2, 3);
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3);
        return x.mul(rope.cos()).add(rotated.mul(rope.sin()));
    }

    /**
     * {@code [batch, 1, 1, seq, keys]} additive mask: 0 where query slot i may see key slot j (j
     * &lt;= i and the key is real), else {@link #MASKED}.
     *
     * @param querySlots {@code [seq]} float32 cache slots of the queries
     * @param keyValid {@code [batch, keys]} float32, 1 for real keys
     */
    static NDArray additiveMask(NDManager m, NDArray querySlots, NDArray keyValid) {
        long batch = keyValid.getShape().get(0);
        long keys = keyValid.getShape().get(1);
        long seq = querySlots.getShape().get(0);
        NDArray causal =
                m.arange(0f, keys, 1f)
                        .reshape(1, 1, keys)
                        .lte(querySlots.reshape(1, seq, 1))
                        .toType(DataType.FLOAT32, false);
        NDArray allowed = causal.mul(keyValid.reshape(batch, 1, keys));
        return allowed.sub(1f).mul(-MASKED).reshape(batch, 1, 1, seq, keys);
    }
}
