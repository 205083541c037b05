package dev.ssb.worker.model;

import dev.ssb.worker.io.TensorSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Float32 tensors held in JVM memory: a checkpoint for tests and freshly initialised models. */
public final class InMemoryTensorSource implements TensorSource {
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Map<String, float[]> data = new LinkedHashMap<>();

    public InMemoryTensorSource put(String name, long[] shape, float[] values) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("Invalid tensor " + name + ": size mismatch");
        }
        shapes.put(name, shape.clone());
        data.put(name, values);
        return this;
    }

    public InMemoryTensorSource remove(String name) {
        shapes.remove(name);
        data.remove(name);
        return this;
    }

    public float[] values(String name) {
        float[] v = data.get(name);
        if (v == null) {
            throw new IllegalArgumentException("Cannot find tensor " + name);
        }
        return v;
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(shapes.keySet());
    }

    @Override
    public long[] shape(String name) {
        long[] s = shapes.get(name);
        if (s == null) {
            throw new IllegalArgumentException("Cannot find tensor " + name);
        }
        return s.clone();
    }

    @Override
    public ByteBuffer readFloat32(String name) {
        float[] v = values(name);
        ByteBuffer buf = ByteBuffer.allocateDirect(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(v);
        return buf;
    }

    @Override
    public void close() {}
}
