package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * A float32 tensor in JVM memory, row-major: what crosses the driver/executor boundary (LoRA
 * weights, gradients) without any native library.
 */
public record HostTensor(long[] shape, float[] data) {
    public HostTensor {
        requireNonNull(shape, "shape is null");
        requireNonNull(data, "data is null");
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Invalid shape: " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "Invalid tensor: shape "
                            + Arrays.toString(shape)
                            + " needs "
                            + n
                            + " values, got "
                            + data.length);
        }
    }

    public static HostTensor zeros(long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return new HostTensor(shape.clone(), new float[Math.toIntExact(n)]);
    }

    public int size() {
        return data.length;
    }
}
