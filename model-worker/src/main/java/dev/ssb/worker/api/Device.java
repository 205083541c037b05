package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

/**
 * Where a model lives and in which floating-point type it computes.
 *
 * @param gpuId CUDA device id, or -1 for the CPU
 * @param dtype compute type of the weights
 * @param cpuFallback for a GPU: run on the CPU (FLOAT32) when the loaded libtorch sees no such CUDA
 *     device, instead of failing ({@code model.device_fallback=cpu})
 */
public record Device(int gpuId, DType dtype, boolean cpuFallback) {

    /**
     * Floating-point types a model can compute in. Weights are stored as read and cast on load;
     * FLOAT16 and BFLOAT16 are GPU-only (DJL's CPU engine aborts the JVM on BFLOAT16 arrays).
     */
    public enum DType {
        FLOAT32,
        FLOAT16,
        BFLOAT16
    }

    public Device {
        requireNonNull(dtype, "dtype is null");
        if (gpuId < -1) {
            throw new IllegalArgumentException("Invalid gpuId: " + gpuId + " (must be >= -1)");
        }
        if (gpuId == -1 && dtype != DType.FLOAT32) {
            throw new IllegalArgumentException("Invalid dtype: " + dtype + " on CPU (use FLOAT32)");
        }
    }

    /** A device that fails instead of falling back to the CPU. */
    public Device(int gpuId, DType dtype) {
        this(gpuId, dtype, false);
    }

    /** This device, falling back to the CPU or not when its GPU is missing. */
    public Device withCpuFallback(boolean fallback) {
        return new Device(gpuId, dtype, fallback);
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
