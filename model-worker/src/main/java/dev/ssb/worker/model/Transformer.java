package dev.ssb.worker.model;

import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
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
 * A Qwen2/Llama decoder on DJL NDArrays, numerically equivalent to Hugging Face's {@code
 * Qwen2ForCausalLM} / {@code LlamaForCausalLM} (RMSNorm, rotary embeddings with {@code
 * rotate_half}, grouped-query attention, SwiGLU MLP, tied or untied LM head).
 *
 * <p>Every intermediate array of a call is attached to the manager of its {@code inputIds}, so a
 * caller scopes a step with {@code try (NDManager step = ...) { step.create(ids) ... }}. Weights
 * live in this model's own manager; {@link #close()} releases them. Not thread-safe.
 */
public final class Transformer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Transformer.class);

    /** Additive mask for forbidden keys: exp underflows to exactly 0 without producing NaN. */
    private static final float MASKED = -1e9f;

    private final ModelConfig config;
    private final NDManager manager;
    private final DataType dtype;
    private final Map<String, NDArray> parameters;
    private final Layer[] layers;
    private final NDArray embed;
    private final NDArray norm;
    private final NDArray lmHead;
    private final NDArray invFreq;
    private LoraLayers lora;

    private Transformer(
            ModelConfig config,
            NDManager manager,
            DataType dtype,
            Map<String, NDArray> parameters) {
        this.config = config;
        this.manager = manager;
        this.dtype = dtype;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.layers = new Layer[config.numHiddenLayers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new Layer(i, parameters);
        }
        this.embed = parameters.get(WeightNames.EMBED);
        this.norm = parameters.get(WeightNames.NORM);
        this.lmHead = config.tieWordEmbeddings() ? embed : parameters.get(WeightNames.LM_HEAD);
        int half = config.headDim() / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            // as HF: float32 exponent, then 1 / theta^exponent
            float exponent = (float) (2 * i) / config.headDim();
            inv[i] = (float) (1.0 / Math.pow(config.ropeTheta(), exponent));
        }
        this.invFreq = manager.create(inv);
    }

    /**
     * Loads the weights named in {@code config} from {@code source} onto {@code device}.
     *
     * @param dtype FLOAT32, or FLOAT16 (GPU only)
     * @throws IllegalArgumentException naming a missing or misshapen tensor
     */
    public static Transformer create(
            ModelConfig config, TensorSource source, Device device, DataType dtype) {
        requireNonNull(config, "config is null");
        requireNonNull(source, "source is null");
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) {
            throw new IllegalArgumentException("Invalid dtype: " + dtype + " (FLOAT32 or FLOAT16)");
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
                if (dtype != DataType.FLOAT32) {
                    NDArray wide = array;
                    array = wide.toType(dtype, false);
                    wide.close();
                }
                array.setName(name);
                params.put(name, array);
            }
            Transformer t = new Transformer(config, manager, dtype, params);
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
     * Base weights by Hugging Face name (unmodifiable). They may share memory with a read-only
     * memory-mapped checkpoint: training must not update them in place.
     */
    public Map<String, NDArray> parameters() {
        return parameters;
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
        NDArray mask = additiveMask(m, m.arange(0f, seq, 1f), keyValid);
        NDArray x = embed(inputIds);
        Rope rope = rope(positions);
        for (Layer layer : layers) {
            x = layer(layer, x, rope, mask, null, 0);
        }
        return rmsNorm(x, norm);
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
        NDArray out = linear(hidden, w, null);
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
     * Runs the left-padded prompts through the model and fills an empty cache.
     *
     * @param inputIds {@code [batch, longestPrompt]} int64, left-padded
     * @return logits of each row's last prompt token {@code [batch, validVocab]} float32
     */
    public NDArray prefill(KvCache cache, NDArray inputIds, int validVocab) {
        NDManager m = inputIds.getManager();
        long seq = inputIds.getShape().get(1);
        if (cache.length() != 0 || inputIds.getShape().get(0) != cache.batchSize()) {
            throw new IllegalStateException("Cannot prefill: cache is not empty or batch differs");
        }
        NDArray slots = m.arange(0f, seq, 1f).reshape(1, seq);
        NDArray keyValid = slots.gte(cache.padLeftArray()).toType(DataType.FLOAT32, false);
        NDArray positions = slots.sub(cache.padLeftArray()).maximum(0);
        NDArray x =
                run(
                        inputIds,
                        positions,
                        additiveMask(m, m.arange(0f, seq, 1f), keyValid),
                        cache,
                        0);
        cache.advance((int) seq);
        return logits(x.get(new NDIndex(":, -1, :")), validVocab);
    }

    /**
     * Appends one token per row and returns the next-token logits.
     *
     * @param inputIds {@code [batch, 1]} int64
     * @return {@code [batch, validVocab]} float32
     */
    public NDArray decode(KvCache cache, NDArray inputIds, int validVocab) {
        NDManager m = inputIds.getManager();
        int slot = cache.length();
        NDArray slots = m.arange(0f, slot + 1f, 1f).reshape(1, slot + 1);
        NDArray keyValid = slots.gte(cache.padLeftArray()).toType(DataType.FLOAT32, false);
        NDArray positions = m.full(new Shape(1, 1), (float) slot).sub(cache.padLeftArray());
        NDArray qSlot = m.create(new float[] {slot});
        NDArray x = run(inputIds, positions, additiveMask(m, qSlot, keyValid), cache, slot);
        cache.advance(1);
        return logits(x.get(new NDIndex(":, -1, :")), validVocab);
    }

    private NDArray run(NDArray ids, NDArray positions, NDArray mask, KvCache cache, int slot) {
        NDArray x = embed(ids);
        Rope rope = rope(positions);
        for (Layer layer : layers) {
            x = layer(layer, x, rope, mask, cache, slot);
        }
        return rmsNorm(x, norm);
    }

    /**
     * {@code [batch, 1, 1, seq, keys]} additive mask: 0 where query slot i may see key slot j (j
     * &lt;= i and the key is real), else a large negative value.
     */
    private static NDArray additiveMask(NDManager m, NDArray querySlots, NDArray keyValid) {
        long batch = keyValid.getShape().get(0);
        long keys = keyValid.getShape().get(1);
        long seq = querySlots.getShape().get(0);
        NDArray causal =
                m.arange(0f, keys, 1f)
                        .reshape(1, 1, keys)
                        .lte(querySlots.reshape(1, seq, 1))
                        .toType(DataType.FLOAT32, false);
        NDArray allowed = causal.mul(keyValid.reshape(batch, 1, keys));
        return allowed.sub(1f).mul(-MASKED).reshape(batch, 1, 1, seq, keys);
    }

    private NDArray embed(NDArray ids) {
        return ids.getNDArrayInternal()
                .embedding(ids, embed, SparseFormat.DENSE)
                .singletonOrThrow();
    }

    private record Rope(NDArray cos, NDArray sin) {}

    /** cos/sin {@code [batch, 1, seq, headDim]} of positions {@code [batch, seq]}. */
    private Rope rope(NDArray positions) {
        long batch = positions.getShape().get(0);
        long seq = positions.getShape().get(1);
        NDArray freqs = positions.reshape(batch, seq, 1).mul(invFreq.reshape(1, 1, -1));
        NDArray emb = freqs.concat(freqs, 2).expandDims(1);
        NDArray cos = emb.cos();
        NDArray sin = emb.sin();
        if (dtype != DataType.FLOAT32) {
            cos = cos.toType(dtype, false);
            sin = sin.toType(dtype, false);
        }
        return new Rope(cos, sin);
    }

    /** {@code x·cos + rotate_half(x)·sin} with rotate_half(x) = [-x2, x1]. */
    private static NDArray applyRope(NDArray x, Rope rope) {
        NDList halves = x.split(2, 3);
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3);
        return x.mul(rope.cos()).add(rotated.mul(rope.sin()));
    }

    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray xf = dtype == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray variance = xf.square().mean(new int[] {-1}, true);
        NDArray normed = xf.div(variance.add((float) config.rmsNormEps()).sqrt());
        if (dtype != DataType.FLOAT32) {
            normed = normed.toType(dtype, false);
        }
        return normed.mul(weight);
    }

    private static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
    }

    private NDArray project(NDArray x, Layer layer, int module) {
        NDArray y = linear(x, layer.weights[module], layer.biases[module]);
        if (lora != null) {
            NDArray a = lora.a(layer.index, Layer.MODULES[module]);
            if (a != null) {
                NDArray b = lora.b(layer.index, Layer.MODULES[module]);
                y = y.add(linear(linear(x, a, null), b, null).mul(lora.scale()));
            }
        }
        return y;
    }

    private NDArray layer(
            Layer layer, NDArray x, Rope rope, NDArray mask, KvCache cache, int slot) {
        long batch = x.getShape().get(0);
        long seq = x.getShape().get(1);
        int heads = config.numAttentionHeads();
        int kvHeads = config.numKeyValueHeads();
        int hd = config.headDim();
        NDArray h = rmsNorm(x, layer.inputNorm);
        NDArray q = project(h, layer, Layer.Q).reshape(batch, seq, heads, hd).transpose(0, 2, 1, 3);
        NDArray k =
                project(h, layer, Layer.K).reshape(batch, seq, kvHeads, hd).transpose(0, 2, 1, 3);
        NDArray v =
                project(h, layer, Layer.V).reshape(batch, seq, kvHeads, hd).transpose(0, 2, 1, 3);
        q = applyRope(q, rope);
        k = applyRope(k, rope);
        if (cache != null) {
            cache.write(layer.index, k, v, slot);
            k = cache.keys(x.getManager(), layer.index, slot + (int) seq);
            v = cache.values(x.getManager(), layer.index, slot + (int) seq);
        }
        NDArray attn = attend(q, k, v, mask);
        x = x.add(project(attn, layer, Layer.O));
        h = rmsNorm(x, layer.postNorm);
        NDArray gate = project(h, layer, Layer.GATE);
        NDArray act = gate.mul(Activation.sigmoid(gate)).mul(project(h, layer, Layer.UP));
        return x.add(project(act, layer, Layer.DOWN));
    }

    /**
     * Grouped-query attention without repeating keys: the {@code rep} query heads sharing a KV head
     * are stacked along the sequence axis.
     *
     * @param q {@code [batch, heads, seq, headDim]}
     * @param k {@code [batch, kvHeads, keys, headDim]}
     * @param mask {@code [batch, 1, 1, seq, keys]}
     * @return {@code [batch, seq, heads * headDim]}
     */
    private NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask) {
        long batch = q.getShape().get(0);
        long seq = q.getShape().get(2);
        long keys = k.getShape().get(2);
        int heads = config.numAttentionHeads();
        int kvHeads = config.numKeyValueHeads();
        int hd = config.headDim();
        long rep = heads / kvHeads;
        NDArray scores =
                q.reshape(batch, kvHeads, rep * seq, hd)
                        .matMul(k.transpose(0, 1, 3, 2))
                        .mul((float) (1.0 / Math.sqrt(hd)))
                        .reshape(batch, kvHeads, rep, seq, keys);
        if (dtype != DataType.FLOAT32) {
            scores = scores.toType(DataType.FLOAT32, false);
        }
        NDArray probs = scores.add(mask).softmax(4);
        if (dtype != DataType.FLOAT32) {
            probs = probs.toType(dtype, false);
        }
        return probs.reshape(batch, kvHeads, rep * seq, keys)
                .matMul(v)
                .reshape(batch, heads, seq, hd)
                .transpose(0, 2, 1, 3)
                .reshape(batch, seq, (long) heads * hd);
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
        if (lora != null) {
            for (Layer layer : layers) {
                for (int mod = 0; mod < Layer.MODULES.length; mod++) {
                    if (layer.weights[mod] == w
                            && lora.a(layer.index, Layer.MODULES[mod]) != null) {
                        try (NDManager tmp = into.newSubManager()) {
                            NDArray a = lora.a(layer.index, Layer.MODULES[mod]);
                            NDArray b = lora.b(layer.index, Layer.MODULES[mod]);
                            NDArray delta = b.toType(DataType.FLOAT32, true);
                            delta.attach(tmp);
                            NDArray a32 = a.toType(DataType.FLOAT32, true);
                            a32.attach(tmp);
                            NDArray merged = out.add(delta.matMul(a32).mul(lora.scale()));
                            merged.attach(into);
                            out.close();
                            out = merged;
                        }
                    }
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }

    /** The weights of one decoder layer, projections indexed by the constants below. */
    private static final class Layer {
        static final String[] MODULES = {
            "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"
        };
        static final int Q = 0, K = 1, V = 2, O = 3, GATE = 4, UP = 5, DOWN = 6;

        final int index;
        final NDArray inputNorm;
        final NDArray postNorm;
        final NDArray[] weights = new NDArray[MODULES.length];
        final NDArray[] biases = new NDArray[MODULES.length];

        Layer(int index, Map<String, NDArray> p) {
            this.index = index;
            this.inputNorm = p.get(WeightNames.layer(index, "input_layernorm.weight"));
            this.postNorm = p.get(WeightNames.layer(index, "post_attention_layernorm.weight"));
            for (int m = 0; m < MODULES.length; m++) {
                String prefix = WeightNames.block(MODULES[m]) + "." + MODULES[m];
                weights[m] = p.get(WeightNames.layer(index, prefix + ".weight"));
                biases[m] = p.get(WeightNames.layer(index, prefix + ".bias"));
            }
        }
    }
}
