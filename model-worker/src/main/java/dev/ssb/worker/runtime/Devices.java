package dev.ssb.worker.runtime;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.types.DataType;
import dev.ssb.worker.api.Device;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps the api's {@link Device} onto DJL. A GPU that the loaded libtorch cannot see fails loudly —
 * a GPU cluster silently running on its CPUs is tens of times slower — unless the device asks for
 * the CPU fallback.
 */
final class Devices {
    private static final Logger LOG = LoggerFactory.getLogger(Devices.class);

    private Devices() {}

    /**
     * The device actually used: the requested one, or the CPU (FLOAT32, one WARN) when the GPU is
     * missing and {@link Device#cpuFallback()} is set.
     *
     * @throws IllegalStateException naming the libtorch settings to fix when the GPU is missing
     */
    static Device resolve(Device requested) {
        if (!requested.isGpu()) {
            return requested;
        }
        return resolve(requested, gpuCount(), LibTorch.describe());
    }

    static Device resolve(Device requested, int gpus, String libtorch) {
        if (!requested.isGpu() || requested.gpuId() < gpus) {
            return requested;
        }
        if (requested.cpuFallback()) {
            LOG.warn(
                    "GPU {} requested but {} CUDA device(s) are available ({}): using the CPU in"
                            + " FLOAT32 (model.device_fallback=cpu)",
                    requested.gpuId(),
                    gpus,
                    libtorch);
            return Device.cpu();
        }
        throw new IllegalStateException(
                "Cannot use GPU "
                        + requested.gpuId()
                        + ": the loaded libtorch sees "
                        + gpus
                        + " CUDA device(s) ("
                        + libtorch
                        + "). On every executor set PYTORCH_LIBRARY_PATH to the lib folder of a"
                        + " CUDA build of torch "
                        + LibTorch.EXPECTED_VERSION
                        + " and PYTORCH_FLAVOR=cu128 (or ship DJL's CUDA native jar"
                        + " ai.djl.pytorch:pytorch-native-cu128 instead of pytorch-native-cpu),"
                        + " or set model.device_fallback=cpu to run on the CPU");
    }

    static int gpuCount() {
        return engine().getGpuCount();
    }

    static Engine engine() {
        try {
            return Engine.getInstance();
        } catch (EngineException e) {
            throw new IllegalStateException(
                    "Cannot start the PyTorch engine: " + e.getMessage(), e);
        }
    }

    static ai.djl.Device djl(Device device) {
        return device.isGpu() ? ai.djl.Device.gpu(device.gpuId()) : ai.djl.Device.cpu();
    }

    static DataType dataType(Device device) {
        return switch (device.dtype()) {
            case FLOAT16 -> DataType.FLOAT16;
            case BFLOAT16 -> DataType.BFLOAT16;
            case FLOAT32 -> DataType.FLOAT32;
        };
    }
}
