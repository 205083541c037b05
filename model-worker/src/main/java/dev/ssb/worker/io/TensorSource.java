package dev.ssb.worker.io;

import java.nio.FloatBuffer;
import java.util.Set;

/**
 * Named tensors readable as float32, whatever their stored dtype: a checkpoint directory, a single
 * safetensors file, or tensors held in memory (tests, freshly initialised models).
 */
public interface TensorSource extends AutoCloseable {

    /** Names of all tensors, e.g. {@code model.layers.0.self_attn.q_proj.weight}. */
    Set<String> names();

    /** Shape of a tensor. @throws IllegalArgumentException naming the tensor when absent */
    long[] shape(String name);

    /**
     * The tensor's values as float32, row-major. F32 data may be returned as a view of a
     * memory-mapped file (do not write to it); F16/BF16 are widened into a new buffer.
     *
     * @throws IllegalArgumentException naming the file and tensor when absent or unreadable
     */
    FloatBuffer readFloat32(String name);

    @Override
    void close();
}
