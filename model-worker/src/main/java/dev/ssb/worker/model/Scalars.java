package dev.ssb.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic of an array with a Java number that is safe to differentiate.
 *
 * <p>DJL's {@code x.mul(0.5f)} wraps the number in a one-element array over a direct buffer, runs
 * the operation and closes that array at once; the buffer may then be freed at the next garbage
 * collection. Operations that keep an operand for their backward pass (mul, div, maximum, …) keep
 * the wrapper's memory, so a collection between the forward and the backward pass makes the
 * gradient read freed memory (values like 1e36 or NaN, only when the GC falls in between). Here the
 * number becomes a float32 0-d array allocated by libtorch ({@code full}), which the saved operand
 * keeps alive; results are bit-identical to DJL's number forms. Use these in every forward pass
 * that may be differentiated.
 */
public final class Scalars {

    private Scalars() {}

    /** {@code x · value}. */
    public static NDArray mul(NDArray x, float value) {
        try (NDArray s = of(x, value)) {
            return x.mul(s);
        }
    }

    /** {@code x / value}. */
    public static NDArray div(NDArray x, float value) {
        try (NDArray s = of(x, value)) {
            return x.div(s);
        }
    }

    /** Element-wise {@code max(x, value)}. */
    public static NDArray maximum(NDArray x, float value) {
        try (NDArray s = of(x, value)) {
            return x.maximum(s);
        }
    }

    /**
     * A float32 0-d array of {@code value} on {@code like}'s manager and device, in memory owned by
     * libtorch (a 0-d array takes part in type promotion as a number does: {@code like}'s dtype
     * wins).
     */
    static NDArray of(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, DataType.FLOAT32);
    }
}
