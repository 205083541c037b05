package dev.ssb.worker.io;

import java.nio.ByteBuffer;
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
     * The tensor's values as little-endian float32 bytes, row-major ({@code 4 * numel} bytes,
     * position 0, order LITTLE_ENDIAN). F32 data may be a read-only view of a memory-mapped file
     * (no copy: a native engine can wrap it directly); F16/BF16 are widened into a new direct
     * buffer.
     *
     * @throws IllegalArgumentException naming the file and tensor when absent or unreadable
     */
    ByteBuffer readFloat32(String name);

    @Override
    void close();
}
