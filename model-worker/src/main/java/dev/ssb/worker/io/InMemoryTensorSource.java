package dev.ssb.worker.io;

import dev.ssb.worker.api.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Tensors held in JVM memory (tests, freshly initialised or merged weights). */
final class InMemoryTensorSource implements TensorSource {

    private final Map<String, HostTensor> tensors;

    InMemoryTensorSource(Map<String, HostTensor> tensors) {
        this.tensors = Collections.unmodifiableMap(new TreeMap<>(tensors));
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public long[] shape(String name) {
        return tensor(name).shape().clone();
    }

    @Override
    public ByteBuffer readFloat32(String name) {
        float[] data = tensor(name).data();
        ByteBuffer out =
                ByteBuffer.allocateDirect(Math.multiplyExact(data.length, 4))
                        .order(ByteOrder.LITTLE_ENDIAN);
        out.asFloatBuffer().put(data);
        return out;
    }

    private HostTensor tensor(String name) {
        HostTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(
                    "Cannot load checkpoint " + this + ": missing tensor " + name);
        }
        return t;
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return "in-memory tensors";
    }
}
