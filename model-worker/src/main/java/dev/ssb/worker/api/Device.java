package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

/**
 * Where a model lives and in which floating-point type it computes.
 *
 * @param gpuId CUDA device id, or -1 for the CPU
 * @param dtype compute type of the weights
 */
public record Device(int gpuId, DType dtype) {

    /** Floating-point types a model can compute in. BF16 weights are widened on load. */
    public enum DType {
        FLOAT32,
        FLOAT16
    }

    public Device {
        requireNonNull(dtype, "dtype is null");
        if (gpuId < -1) {
            throw new IllegalArgumentException("Invalid gpuId: " + gpuId + " (must be >= -1)");
        }
        if (gpuId == -1 && dtype == DType.FLOAT16) {
            throw new IllegalArgumentException("Invalid dtype: FLOAT16 on CPU (use FLOAT32)");
        }
    }

    public static Device cpu() {
        return new Device(-1, DType.FLOAT32);
    }

    public static Device gpu(int id, DType dtype) {
        if (id < 0) {
            throw new IllegalArgumentException("Invalid gpu id: " + id + " (must be >= 0)");
        }
        return new Device(id, dtype);
    }

    public boolean isGpu() {
        return gpuId >= 0;
    }

    @Override
    public String toString() {
        return (isGpu() ? "gpu(" + gpuId + ")" : "cpu()") + "/" + dtype;
    }
}
