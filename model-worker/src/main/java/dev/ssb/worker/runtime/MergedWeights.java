package dev.ssb.worker.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ssb.worker.io.TensorSource;
import dev.ssb.worker.model.Transformer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;

/**
 * The model's weights with its current LoRA merged in ({@code W + scale·B·A}), computed one tensor
 * at a time as a checkpoint writer asks for them.
 */
final class MergedWeights implements TensorSource {
    private final Transformer model;

    MergedWeights(Transformer model) {
        this.model = model;
    }

    @Override
    public Set<String> names() {
        return model.parameters().keySet();
    }

    @Override
    public long[] shape(String name) {
        NDArray w = model.parameters().get(name);
        if (w == null) {
            throw new IllegalArgumentException("Cannot find tensor " + name + " in the model");
        }
        return w.getShape().getShape();
    }

    @Override
    public ByteBuffer readFloat32(String name) {
        try (NDManager tmp = model.manager().newSubManager()) {
            float[] values = model.mergedWeight(name, tmp).toFloatArray();
            ByteBuffer out =
                    ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            out.asFloatBuffer().put(values);
            return out;
        }
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return "merged weights of " + model.config().modelType();
    }
}
