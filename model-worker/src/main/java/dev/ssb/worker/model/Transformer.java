package dev.ssb.worker.model;

import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.io.TensorSource;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Qwen2/Qwen3/Llama decoder on DJL NDArrays, numerically equivalent to Hugging Face's {@code
 * Qwen2ForCausalLM} / {@code Qwen3ForCausalLM} / {@code LlamaForCausalLM} (RMSNorm, rotary
 * embeddings with {@code rotate_half} and default, linear or llama3 scaling, Qwen3's per-head
 * query/key RMSNorm, grouped-query attention, SwiGLU MLP, tied or untied LM head).
 *
 * <p>Every intermediate array of a call is attached to the manager of its {@code inputIds}, so a
 * caller scopes a step with {@code try (NDManager step = ...) { step.create(ids) ... }}. Weights
 * live in this model's own manager; {@link #close()} releases them. Not thread-safe.
 */
public final class Transformer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Transformer.class);

    private final ModelConfig config;
    private final NDManager manager;
    private final DataType dtype;
    private final Map<String, NDArray> weights;
    private final Map<String, NDArray> parameters;
    private final DecoderLayer[] layers;
    private final NDArray embed;
    private final NDArray norm;
    private final NDArray lmHead;
    private final NDArray invFreq;
    private LoraLayers lora;

    private Transformer(
            ModelConfig config,
            NDManager manager,
            DataType dtype,
            Map<String, NDArray> parameters,
            boolean fuse) {
        this.config = config;
        this.manager = manager;
        this.dtype = dtype;
        this.weights = parameters;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.layers = new DecoderLayer[config.numHiddenLayers()];
        for (int i = 0; i < layers.length; i++) {
            FusedProjections fused = fuse ? FusedProjections.fuse(config, i, parameters) : null;
            layers[i] = new DecoderLayer(config, dtype, i, parameters, fused);
        }
        this.embed = parameters.get(WeightNames.EMBED);
        this.norm = parameters.get(WeightNames.NORM);
        this.lmHead = config.tieWordEmbeddings() ? embed : parameters.get(WeightNames.LM_HEAD);
        int half = config.headDim() / 2;
        float[] inv = RotaryFrequencies.of(config);
        this.invFreq = manager.create(inv, new Shape(1, 1, half)); // [1, 1, headDim / 2]
    }

    /**
     * Loads the weights named in {@code config} from {@code source} onto {@code device}.
     *
     * @param dtype FLOAT32, or FLOAT16 / BFLOAT16 (GPU only)
     * @throws IllegalArgumentException naming a missing or misshapen tensor
     */
    public static Transformer create(
            ModelConfig config, TensorSource source, Device device, DataType dtype) {
        return create(config, source, device, dtype, false);
    }

    /**
     * As {@link #create(ModelConfig, TensorSource, Device, DataType)}; with {@code trainable} the
     * weights never share memory with the source (a read-only memory-mapped file would crash the
     * JVM on the first in-place optimizer update), at the cost of a copy, and every projection
     * stays its own array (see {@link #separateProjections}).
     *
     * <p>Otherwise each layer's q/k/v weights (and biases) are concatenated into one {@code [q +
     * 2·kv, hidden]} array and gate/up into one {@code [2·intermediate, hidden]} array, so a
     * forward pass makes one matrix product for each group; {@link #parameters} then holds row
     * views of the fused arrays under the Hugging Face names, not second copies.
     */
    public static Transformer create(
            ModelConfig config,
            TensorSource source,
            Device device,
            DataType dtype,
            boolean trainable) {
        requireNonNull(config, "config is null");
        requireNonNull(source, "source is null");
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16 && dtype != DataType.BFLOAT16) {
            throw new IllegalArgumentException(
                    "Invalid dtype: " + dtype + " (FLOAT32, or FLOAT16 / BFLOAT16 on a GPU)");
        }
        if (config.headDim() % 2 != 0) {
            throw new IllegalArgumentException("Invalid head_dim: " + config.headDim() + " (odd)");
        }
        long start = System.nanoTime();
        NDManager manager = NDManager.newBaseManager(device);
        try {
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : WeightNames.expected(config).entrySet()) {
                String name = e.getKey();
                if (!source.names().contains(name)) {
                    throw new IllegalArgumentException(
                            "Cannot load checkpoint: missing key " + name);
                }
                long[] shape = source.shape(name);
                if (!Arrays.equals(shape, e.getValue())) {
                    throw new IllegalArgumentException(
                            String.format(
                                    "Cannot load checkpoint: %s has shape %s, expected %s",
                                    name, Arrays.toString(shape), Arrays.toString(e.getValue())));
                }
                ByteBuffer bytes = source.readFloat32(name);
                NDArray array = manager.create(bytes, new Shape(shape), DataType.FLOAT32);
                if (trainable && dtype == DataType.FLOAT32 && bytes.isReadOnly()) {
                    NDArray view = array;
                    array = view.duplicate();
                    view.close();
                }
                if (dtype != DataType.FLOAT32) {
                    NDArray wide = array;
                    array = wide.toType(dtype, false);
                    wide.close();
                }
                array.setName(name);
                params.put(name, array);
            }
            Transformer t = new Transformer(config, manager, dtype, params, !trainable);
            LOG.info(
                    "Loaded {} {} tensors ({} parameters) on {} in {} ms",
                    params.size(),
                    config.modelType(),
                    config.parameterCount(),
                    device,
                    (System.nanoTime() - start) / 1_000_000);
            return t;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public ModelConfig config() {
        return config;
    }

    public DataType dataType() {
        return dtype;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** The manager owning the weights: parent for caches and LoRA layers. */
    public NDManager manager() {
        return manager;
    }

    /**
     * Base weights by Hugging Face name (unmodifiable). Unless the model was created {@code
     * trainable}, they may share memory with a read-only memory-mapped checkpoint and must not be
     * updated in place.
     */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /**
     * Whether q/k/v and gate/up are fused (see {@link #create(ModelConfig, TensorSource, Device,
     * DataType, boolean)}).
     */
    public boolean fusedProjections() {
        return layers.length > 0 && layers[0].fused();
    }

    /**
     * Turns fused q/k/v and gate/up weights back into separate arrays (copies; the fused arrays are
     * released), so that each is a leaf of its own for full-parameter training and an in-place
     * update of one reaches the forward pass. A no-op when they are separate already.
     */
    public void separateProjections() {
        for (int i = 0; i < layers.length; i++) {
            if (layers[i].fused()) {
                FusedProjections fused = layers[i].fusedProjections();
                for (String name : fused.viewNames()) {
                    NDArray view = weights.get(name);
                    NDArray copy = view.duplicate();
                    copy.setName(name);
                    weights.put(name, copy);
                    view.close();
                }
                fused.close();
                layers[i] = new DecoderLayer(config, dtype, i, weights, null);
            }
        }
    }

    /** The LoRA layers applied to the projections, or null. */
    public LoraLayers lora() {
        return lora;
    }

    /** Applies {@code layers} (owned by the caller), or removes LoRA with null. */
    public void setLora(LoraLayers layers) {
        this.lora = layers;
    }

    /**
     * Full forward pass without a cache, differentiable with respect to the parameters and LoRA
     * matrices (no in-place operation).
     *
     * @param inputIds {@code [batch, seq]} int64
     * @param attentionMask {@code [batch, seq]}, 1 for real tokens and 0 for padding (left or
     *     right); positions count from each row's first real token
     * @return logits {@code [batch, seq, vocab]} float32
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask) {
        return logits(hidden(inputIds, attentionMask), config.vocabSize());
    }

    /**
     * The final-normed hidden states {@code [batch, seq, hidden]} of a forward pass without cache
     * (see {@link #forward}).
     */
    public NDArray hidden(NDArray inputIds, NDArray attentionMask) {
        NDManager m = inputIds.getManager();
        long seq = inputIds.getShape().get(1);
        NDArray keyValid = attentionMask.toType(DataType.FLOAT32, false);
        NDArray positions = keyValid.cumSum(1).sub(1).maximum(0);
        NDArray mask = Ops.additiveMask(m, m.arange(0f, seq, 1f), keyValid);
        return run(inputIds, positions, mask, null, 0);
    }

    /**
     * LM-head logits over the first {@code validVocab} ids (embedding rows at or above it, which
     * the tokenizer never produces, are left out).
     *
     * @param hidden {@code [..., hidden]}
     * @return {@code [..., validVocab]} float32
     */
    public NDArray logits(NDArray hidden, int validVocab) {
        if (validVocab <= 0 || validVocab > config.vocabSize()) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid vocab size: %s (must be in [1, %s])",
                            validVocab, config.vocabSize()));
        }
        NDArray w =
                validVocab == config.vocabSize()
                        ? lmHead
                        : lmHead.get(hidden.getManager(), new NDIndex(":{}", validVocab));
        NDArray out = Ops.linear(hidden, w, null);
        return dtype == DataType.FLOAT32 ? out : out.toType(DataType.FLOAT32, false);
    }

    /**
     * A KV cache for a left-padded batch of prompts of the given lengths, able to hold {@code
     * capacity} slots (longest prompt + new tokens).
     */
    public KvCache newCache(int[] promptLengths, int capacity) {
        return new KvCache(
                manager,
                layers.length,
                config.numKeyValueHeads(),
                config.headDim(),
                promptLengths,
                capacity,
                dtype);
    }

    /**
     * Runs the left-padded prompts through the model in one forward pass and fills an empty cache
     * (see {@link #prefill(KvCache, NDArray, int, int)}).
     *
     * @param inputIds {@code [batch, longestPrompt]} int64, left-padded
     * @return logits of each row's last prompt token {@code [batch, validVocab]} float32
     */
    public NDArray prefill(KvCache cache, NDArray inputIds, int validVocab) {
        return prefill(cache, inputIds, validVocab, Integer.MAX_VALUE);
    }

    /**
     * Runs the left-padded prompts through the model and fills an empty cache, {@code chunk} slots
     * per forward pass: each chunk's queries attend to the slots earlier chunks wrote plus,
     * causally, their own, so the result is the one-pass prefill's while the activations of a pass
     * (among them the attention scores {@code [batch, heads, chunk, keys]}) scale with {@code
     * chunk}, not with the prompt. Only the last chunk's last position reaches the LM head.
     *
     * @param inputIds {@code [batch, longestPrompt]} int64, left-padded
     * @param chunk slots per forward pass, &gt;= 1 (at least the prompt length: one pass)
     * @return logits of each row's last prompt token {@code [batch, validVocab]} float32, attached
     *     to {@code inputIds}' manager
     */
    public NDArray prefill(KvCache cache, NDArray inputIds, int validVocab, int chunk) {
        int seq = Math.toIntExact(inputIds.getShape().get(1));
        if (cache.length() != 0 || inputIds.getShape().get(0) != cache.batchSize()) {
            throw new IllegalStateException("Cannot prefill: cache is not empty or batch differs");
        }
        if (chunk < 1) {
            throw new IllegalArgumentException(
                    "Invalid prefill chunk: " + chunk + " (must be >= 1)");
        }
        if (chunk >= seq) {
            return logits(extend(cache, inputIds), validVocab);
        }
        NDManager m = inputIds.getManager();
        NDArray last = null;
        for (int from = 0; from < seq; from += chunk) {
            int to = Math.min(seq, from + chunk);
            try (NDManager pass = m.newSubManager()) {
                NDArray ids = inputIds.get(pass, new NDIndex(":, {}:{}", from, to));
                NDArray hidden = extend(cache, ids);
                if (to == seq) {
                    hidden.attach(m);
                    last = hidden;
                }
            }
        }
        return logits(last, validVocab); // the LM head once, for the last chunk only
    }

    /**
     * Appends one token per row and returns the next-token logits.
     *
     * @param inputIds {@code [batch, 1]} int64
     * @return {@code [batch, validVocab]} float32
     */
    public NDArray decode(KvCache cache, NDArray inputIds, int validVocab) {
        return logits(extend(cache, inputIds), validVocab);
    }

    /**
     * Writes {@code inputIds} ({@code [batch, seq]}) at the cache's next {@code seq} slots, each
     * query attending to the real keys up to its own slot, and returns the final hidden state of
     * the last one ({@code [batch, hidden]}). Positions count from each row's first real slot (0 on
     * padding, which nothing attends to).
     */
    private NDArray extend(KvCache cache, NDArray inputIds) {
        NDManager m = inputIds.getManager();
        int slot = cache.length();
        long seq = inputIds.getShape().get(1);
        NDArray keyValid =
                m.arange(0f, slot + seq, 1f)
                        .reshape(1, slot + seq)
                        .gte(cache.padLeftArray())
                        .toType(DataType.FLOAT32, false);
        NDArray querySlots = m.arange((float) slot, (float) (slot + seq), 1f);
        NDArray positions = querySlots.reshape(1, seq).sub(cache.padLeftArray()).maximum(0);
        NDArray mask = Ops.additiveMask(m, querySlots, keyValid);
        NDArray x = run(inputIds, positions, mask, cache, slot);
        cache.advance((int) seq);
        return x.get(new NDIndex(":, -1, :"));
    }

    /**
     * The decoder stack. With a cache (generation, never differentiated) each layer's temporaries
     * live in a manager of their own that is closed once the layer's output exists, so a pass holds
     * one layer's activations at a time instead of all layers'.
     */
    private NDArray run(NDArray ids, NDArray positions, NDArray mask, KvCache cache, int slot) {
        NDArray x = embed(ids);
        Ops.Rope rope = Ops.rope(positions, invFreq, dtype);
        for (DecoderLayer layer : layers) {
            if (cache == null) {
                x = layer.forward(x, rope, mask, null, slot, lora);
                continue;
            }
            NDManager outer = x.getManager();
            try (NDManager scope = outer.newSubManager()) {
                x.attach(scope); // the layer's input is not needed after it
                NDArray y = layer.forward(x, rope, mask, cache, slot, lora);
                y.attach(outer);
                x = y;
            }
        }
        return Ops.rmsNorm(x, norm, (float) config.rmsNormEps(), dtype);
    }

    private NDArray embed(NDArray ids) {
        return ids.getNDArrayInternal()
                .embedding(ids, embed, SparseFormat.DENSE)
                .singletonOrThrow();
    }

    /**
     * The float32 weight {@code name} with the current LoRA merged in ({@code W + scale·B·A}), as a
     * new array in {@code into}.
     */
    public NDArray mergedWeight(String name, NDManager into) {
        NDArray w = parameters.get(name);
        if (w == null) {
            throw new IllegalArgumentException("Invalid weight name: " + name);
        }
        NDArray out = w.toType(DataType.FLOAT32, true);
        out.attach(into);
        String module = null;
        int layerIndex = -1;
        for (DecoderLayer layer : layers) {
            if (layer.moduleOf(w) != null) {
                module = layer.moduleOf(w);
                layerIndex = layer.index();
            }
        }
        if (lora != null && module != null && lora.a(layerIndex, module) != null) {
            try (NDManager tmp = into.newSubManager()) {
                NDArray b = lora.b(layerIndex, module).toType(DataType.FLOAT32, true);
                b.attach(tmp);
                NDArray a = lora.a(layerIndex, module).toType(DataType.FLOAT32, true);
                a.attach(tmp);
                NDArray merged = out.add(b.matMul(a).mul(lora.scale()));
                merged.attach(into);
                out.close();
                out = merged;
            }
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
