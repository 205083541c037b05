package dev.ssb.worker.model;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.ModelConfig;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * LoRA weights on the device, keyed by PEFT names: per target module {@code lora_A} {@code [r, in]}
 * and {@code lora_B} {@code [out, r]}, applied as {@code y = x·Wᵀ + b + (alpha/r)·(x·Aᵀ)·Bᵀ}.
 *
 * <p>The NDArrays are exposed so that training code can call {@code setRequiresGradient(true)} on
 * them and read their gradients after a backward pass through {@link Transformer#forward}.
 */
public final class LoraLayers implements AutoCloseable {
    private final LoraConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> tensors;
    private final Map<String, NDArray> merged = new HashMap<>();

    private LoraLayers(LoraConfig config, NDManager manager, Map<String, NDArray> tensors) {
        this.config = config;
        this.manager = manager;
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** The PEFT key of one LoRA matrix, e.g. {@code ...layers.0.self_attn.q_proj.lora_A.weight}. */
    public static String key(int layer, String module, char ab) {
        return "base_model.model.model.layers."
                + layer
                + "."
                + WeightNames.block(module)
                + "."
                + module
                + ".lora_"
                + ab
                + ".weight";
    }

    /**
     * Copies {@code adapter} onto the device of {@code parent}, checking that it has exactly the
     * keys and shapes {@code model} needs.
     *
     * @throws IllegalArgumentException naming the missing, unexpected or misshapen key
     */
    public static LoraLayers fromAdapter(
            LoraAdapter adapter, ModelConfig model, NDManager parent, DataType dtype) {
        requireNonNull(adapter, "adapter is null");
        LoraConfig cfg = adapter.config();
        Map<String, long[]> expected = new LinkedHashMap<>();
        for (int i = 0; i < model.numHiddenLayers(); i++) {
            for (String m : cfg.targetModules()) {
                long[] w = WeightNames.projectionShape(model, m);
                expected.put(key(i, m, 'A'), new long[] {cfg.rank(), w[1]});
                expected.put(key(i, m, 'B'), new long[] {w[0], cfg.rank()});
            }
        }
        for (String name : adapter.tensors().keySet()) {
            if (!expected.containsKey(name)) {
                throw new IllegalArgumentException("Invalid LoRA adapter: unexpected key " + name);
            }
        }
        NDManager manager = parent.newSubManager();
        try {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                HostTensor t = adapter.tensors().get(e.getKey());
                if (t == null) {
                    throw new IllegalArgumentException(
                            "Invalid LoRA adapter: missing key " + e.getKey());
                }
                if (!Arrays.equals(t.shape(), e.getValue())) {
                    throw new IllegalArgumentException(
                            String.format(
                                    "Invalid LoRA adapter: %s has shape %s, expected %s",
                                    e.getKey(),
                                    Arrays.toString(t.shape()),
                                    Arrays.toString(e.getValue())));
                }
                NDArray a = manager.create(t.data(), new Shape(t.shape()));
                if (dtype != DataType.FLOAT32) {
                    a = a.toType(dtype, false);
                }
                a.setName(e.getKey());
                tensors.put(e.getKey(), a);
            }
            return new LoraLayers(cfg, manager, tensors);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public LoraConfig config() {
        return config;
    }

    /** {@code alpha / r}. */
    public float scale() {
        return config.scale();
    }

    /** All A and B matrices by PEFT key (unmodifiable map of live device arrays). */
    public Map<String, NDArray> parameters() {
        return tensors;
    }

    /** A {@code [r, in]} of a module, or null when the module is not a target. */
    NDArray a(int layer, String module) {
        return tensors.get(key(layer, module, 'A'));
    }

    /** B {@code [out, r]} of a module, or null when the module is not a target. */
    NDArray b(int layer, String module) {
        return tensors.get(key(layer, module, 'B'));
    }

    /**
     * The inference weight {@code W + scale·B·A} of a target module (in {@code base}'s dtype,
     * merged in float32), computed on first use and kept until {@link #close}: decoding with it
     * costs one matrix product per projection instead of three. It is a snapshot of A and B, so it
     * is for generation only, never for a forward that is differentiated or follows an update.
     *
     * @return null when the module is not a target
     */
    NDArray merged(int layer, String module, NDArray base) {
        NDArray a = a(layer, module);
        if (a == null) {
            return null;
        }
        String key = key(layer, module, 'M');
        NDArray w = merged.get(key);
        if (w == null) {
            try (NDManager tmp = manager.newSubManager()) {
                NDArray wide = base.toType(DataType.FLOAT32, true);
                wide.attach(tmp);
                NDArray bf = b(layer, module).toType(DataType.FLOAT32, true);
                bf.attach(tmp);
                NDArray af = a.toType(DataType.FLOAT32, true);
                af.attach(tmp);
                w = wide.add(Scalars.mul(bf.matMul(af), scale()));
                if (base.getDataType() != DataType.FLOAT32) {
                    w = w.toType(base.getDataType(), false);
                }
                w.attach(manager);
            }
            merged.put(key, w);
        }
        return w;
    }

    /**
     * As {@link #merged} for a fused group of projections ({@code base} their weights concatenated
     * along the output rows, {@code rows} each module's share): {@code base + scale·[B₁A₁; B₂A₂;
     * …]}, with zero rows for the modules that are not targets. Kept until {@link #close}.
     *
     * @return null when none of {@code modules} is a target
     */
    NDArray mergedGroup(int layer, String[] modules, long[] rows, NDArray base) {
        boolean any = false;
        for (String m : modules) {
            any |= a(layer, m) != null;
        }
        if (!any) {
            return null;
        }
        String key = key(layer, String.join("+", modules), 'M');
        NDArray w = merged.get(key);
        if (w == null) {
            try (NDManager tmp = manager.newSubManager()) {
                NDArray wide = base.toType(DataType.FLOAT32, true);
                wide.attach(tmp);
                long in = base.getShape().get(1);
                ai.djl.ndarray.NDList deltas = new ai.djl.ndarray.NDList();
                for (int i = 0; i < modules.length; i++) {
                    NDArray a = a(layer, modules[i]);
                    if (a == null) {
                        deltas.add(tmp.zeros(new Shape(rows[i], in), DataType.FLOAT32));
                    } else {
                        NDArray bf = b(layer, modules[i]).toType(DataType.FLOAT32, true);
                        bf.attach(tmp);
                        NDArray af = a.toType(DataType.FLOAT32, true);
                        af.attach(tmp);
                        NDArray delta = Scalars.mul(bf.matMul(af), scale());
                        delta.attach(tmp);
                        deltas.add(delta);
                    }
                }
                NDArray delta = ai.djl.ndarray.NDArrays.concat(deltas, 0);
                delta.attach(tmp);
                w = wide.add(delta);
                if (base.getDataType() != DataType.FLOAT32) {
                    w = w.toType(base.getDataType(), false);
                }
                w.attach(manager);
            }
            merged.put(key, w);
        }
        return w;
    }

    /** Copies the current values back to JVM memory (float32). */
    public LoraAdapter toAdapter() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            float[] data;
            if (a.getDataType() == DataType.FLOAT32) {
                data = a.toFloatArray();
            } else {
                try (NDArray wide = a.toType(DataType.FLOAT32, true)) {
                    data = wide.toFloatArray();
                }
            }
            out.put(e.getKey(), new HostTensor(a.getShape().getShape(), data));
        }
        return new LoraAdapter(config, out);
    }

    @Override
    public void close() {
        manager.close();
    }
}
