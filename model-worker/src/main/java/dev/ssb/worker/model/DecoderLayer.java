package dev.ssb.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import dev.ssb.worker.api.ModelConfig;
import java.util.Map;

/**
 * One pre-norm decoder layer: {@code x + attn(norm(x))}, then {@code x + mlp(norm(x))}, with
 * grouped-query rotary attention (Qwen3: queries and keys RMS-normed per head before the rotary
 * embedding) and a SwiGLU MLP {@code down(silu(gate(x)) · up(x))}.
 */
final class DecoderLayer {
    static final String[] MODULES = {
        "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"
    };
    private static final int Q = 0, K = 1, V = 2, O = 3, GATE = 4, UP = 5, DOWN = 6;

    private final ModelConfig config;
    private final DataType dtype;
    private final int index;
    private final NDArray inputNorm;
    private final NDArray postNorm;
    private final NDArray qNorm;
    private final NDArray kNorm;
    private final NDArray[] weights = new NDArray[MODULES.length];
    private final NDArray[] biases = new NDArray[MODULES.length];
    private final FusedProjections fused;

    /**
     * @param fused this layer's fused q/k/v and gate/up weights (whose views {@code p} holds), or
     *     null to run every projection as its own matrix product
     */
    DecoderLayer(
            ModelConfig config,
            DataType dtype,
            int index,
            Map<String, NDArray> p,
            FusedProjections fused) {
        this.fused = fused;
        this.config = config;
        this.dtype = dtype;
        this.index = index;
        this.inputNorm = p.get(WeightNames.layer(index, "input_layernorm.weight"));
        this.postNorm = p.get(WeightNames.layer(index, "post_attention_layernorm.weight"));
        this.qNorm = p.get(WeightNames.layer(index, "self_attn.q_norm.weight")); // qwen3 only
        this.kNorm = p.get(WeightNames.layer(index, "self_attn.k_norm.weight"));
        for (int m = 0; m < MODULES.length; m++) {
            String prefix = WeightNames.block(MODULES[m]) + "." + MODULES[m];
            weights[m] = p.get(WeightNames.layer(index, prefix + ".weight"));
            biases[m] = p.get(WeightNames.layer(index, prefix + ".bias"));
        }
    }

    int index() {
        return index;
    }

    boolean fused() {
        return fused != null;
    }

    FusedProjections fusedProjections() {
        return fused;
    }

    /** The projection module whose weight is {@code w}, or null. */
    String moduleOf(NDArray w) {
        for (int m = 0; m < MODULES.length; m++) {
            if (weights[m] == w) {
                return MODULES[m];
            }
        }
        return null;
    }

    /**
     * @param x {@code [batch, seq, hidden]}
     * @param mask {@code [batch, 1, 1, seq, keys]} additive
     * @param cache null for a plain forward; else k/v are written at {@code slot} and attention
     *     reads slots {@code [0, slot + seq)}
     */
    NDArray forward(
            NDArray x, Ops.Rope rope, NDArray mask, KvCache cache, int slot, LoraLayers lora) {
        long batch = x.getShape().get(0);
        long seq = x.getShape().get(1);
        int heads = config.numAttentionHeads();
        int kvHeads = config.numKeyValueHeads();
        int hd = config.headDim();
        float eps = (float) config.rmsNormEps();
        NDArray h = Ops.rmsNorm(x, inputNorm, eps, dtype);
        boolean decoding = cache != null;
        NDArray[] qkv =
                fused == null
                        ? new NDArray[] {
                            project(h, Q, lora, decoding),
                            project(h, K, lora, decoding),
                            project(h, V, lora, decoding)
                        }
                        : projectFused(
                                h,
                                FusedProjections.QKV,
                                fused.qkv(),
                                fused.qkvBias(),
                                fused.qkvRows(),
                                lora,
                                decoding);
        NDArray q = headNorm(qkv[0].reshape(batch, seq, heads, hd), qNorm);
        NDArray k = headNorm(qkv[1].reshape(batch, seq, kvHeads, hd), kNorm);
        q = q.transpose(0, 2, 1, 3);
        k = k.transpose(0, 2, 1, 3);
        NDArray v = qkv[2].reshape(batch, seq, kvHeads, hd).transpose(0, 2, 1, 3);
        q = Ops.applyRope(q, rope);
        k = Ops.applyRope(k, rope);
        if (cache != null) {
            cache.write(index, k, v, slot);
            k = cache.keys(x.getManager(), index, slot + (int) seq);
            v = cache.values(x.getManager(), index, slot + (int) seq);
        }
        x = x.add(project(attend(q, k, v, mask), O, lora, decoding));
        h = Ops.rmsNorm(x, postNorm, eps, dtype);
        NDArray[] gateUp =
                fused == null
                        ? new NDArray[] {
                            project(h, GATE, lora, decoding), project(h, UP, lora, decoding)
                        }
                        : projectFused(
                                h,
                                FusedProjections.GATE_UP,
                                fused.gateUp(),
                                null,
                                fused.gateUpRows(),
                                lora,
                                decoding);
        NDArray gate = gateUp[0];
        NDArray act = gate.mul(Activation.sigmoid(gate)).mul(gateUp[1]);
        return x.add(project(act, DOWN, lora, decoding));
    }

    /** Qwen3's RMSNorm over each head's {@code [.., headDim]} vector; identity without weight. */
    private NDArray headNorm(NDArray x, NDArray weight) {
        return weight == null ? x : Ops.rmsNorm(x, weight, (float) config.rmsNormEps(), dtype);
    }

    /**
     * {@code x·Wᵀ + b + scale·(x·Aᵀ)·Bᵀ}, the LoRA term only for target modules. With a KV cache
     * (generation, never differentiated) the target weight is merged once per adapter instead.
     */
    private NDArray project(NDArray x, int module, LoraLayers lora, boolean decoding) {
        if (lora != null && decoding) {
            NDArray w = lora.merged(index, MODULES[module], weights[module]);
            if (w != null) {
                return Ops.linear(x, w, biases[module]);
            }
        }
        NDArray y = Ops.linear(x, weights[module], biases[module]);
        if (lora != null) {
            NDArray a = lora.a(index, MODULES[module]);
            if (a != null) {
                NDArray b = lora.b(index, MODULES[module]);
                y = y.add(Scalars.mul(Ops.linear(Ops.linear(x, a, null), b, null), lora.scale()));
            }
        }
        return y;
    }

    /**
     * One matrix product for a fused group of projections, split into each module's output. With a
     * KV cache and a LoRA on any of them, the group's weight is merged once per adapter (see {@link
     * LoraLayers#mergedGroup}); without a cache (a forward that may be differentiated) each target
     * module's output slice gets its own {@code scale·(x·Aᵀ)·Bᵀ}, as {@link #project} adds it.
     */
    private NDArray[] projectFused(
            NDArray x,
            String[] modules,
            NDArray weight,
            NDArray bias,
            long[] rows,
            LoraLayers lora,
            boolean decoding) {
        NDArray w = weight;
        boolean merged = false;
        if (lora != null && decoding) {
            NDArray m = lora.mergedGroup(index, modules, rows, weight);
            if (m != null) {
                w = m;
                merged = true;
            }
        }
        NDArray y = Ops.linear(x, w, bias);
        NDList parts = y.split(FusedProjections.splitPoints(rows), y.getShape().dimension() - 1);
        NDArray[] out = new NDArray[modules.length];
        for (int i = 0; i < modules.length; i++) {
            out[i] = parts.get(i);
            NDArray a = lora == null || merged ? null : lora.a(index, modules[i]);
            if (a != null) {
                NDArray b = lora.b(index, modules[i]);
                out[i] =
                        out[i].add(
                                Scalars.mul(
                                        Ops.linear(Ops.linear(x, a, null), b, null), lora.scale()));
            }
        }
        return out;
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
                Scalars.mul(
                                q.reshape(batch, kvHeads, rep * seq, hd)
                                        .matMul(k.transpose(0, 1, 3, 2)),
                                (float) (1.0 / Math.sqrt(hd)))
                        .reshape(batch, kvHeads, rep, seq, keys);
        if (dtype != DataType.FLOAT32) {
            scores = scores.toType(DataType.FLOAT32, false); // softmax in float32, as HF
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
}
