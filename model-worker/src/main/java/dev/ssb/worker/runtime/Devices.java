package dev.ssb.worker.runtime;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.types.DataType;
import dev.ssb.worker.api.Device;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps the api's {@link Device} onto DJL, falling back to the CPU when CUDA is absent. */
final class Devices {
    private static final Logger LOG = LoggerFactory.getLogger(Devices.class);

    private Devices() {}

    /** The device actually used: the requested one, or the CPU (float32) with one WARN. */
    static Device resolve(Device requested) {
        if (!requested.isGpu()) {
            return requested;
        }
        int gpus = gpuCount();
        if (requested.gpuId() < gpus) {
            return requested;
        }
        LOG.warn(
                "GPU {} requested but {} CUDA device(s) are available: using the CPU in FLOAT32",
                requested.gpuId(),
                gpus);
        return Device.cpu();
    }

    static int gpuCount() {
        try {
            return Engine.getInstance().getGpuCount();
        } catch (EngineException e) {
            throw new IllegalStateException(
                    "Cannot start the PyTorch engine: " + e.getMessage(), e);
        }
    }

    static ai.djl.Device djl(Device device) {
        return device.isGpu() ? ai.djl.Device.gpu(device.gpuId()) : ai.djl.Device.cpu();
    }

    static DataType dataType(Device device) {
        return device.dtype() == Device.DType.FLOAT16 ? DataType.FLOAT16 : DataType.FLOAT32;
    }
}
