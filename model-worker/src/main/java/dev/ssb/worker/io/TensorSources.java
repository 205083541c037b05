package dev.ssb.worker.io;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.HostTensor;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Factories and helpers for {@link TensorSource}s. */
public final class TensorSources {

    private TensorSources() {}

    /** Tensors held in memory; the map is copied, the arrays are not. */
    public static TensorSource of(Map<String, HostTensor> tensors) {
        return new InMemoryTensorSource(requireNonNull(tensors, "tensors is null"));
    }

    /**
     * Opens a Hugging Face checkpoint directory ({@link CheckpointDirectory#open}) or a single
     * safetensors file ({@link SafetensorsFile#open}).
     */
    public static TensorSource open(Path path) {
        requireNonNull(path, "path is null");
        return Files.isDirectory(path)
                ? CheckpointDirectory.open(path)
                : SafetensorsFile.open(path);
    }

    /** Copies one tensor into JVM memory as float32 (fine for small tensors such as LoRA's). */
    public static HostTensor read(TensorSource source, String name) {
        long[] shape = source.shape(name);
        ByteBuffer bytes = source.readFloat32(name);
        FloatBuffer floats = bytes.asFloatBuffer();
        float[] data = new float[floats.remaining()];
        floats.get(data);
        return new HostTensor(shape, data);
    }
}
