package dev.ssb.worker.model;

import dev.ssb.worker.api.ModelConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Hugging Face tensor names and shapes a Qwen2/Qwen3/Llama checkpoint must hold. */
final class WeightNames {
    static final String EMBED = "model.embed_tokens.weight";
    static final String NORM = "model.norm.weight";
    static final String LM_HEAD = "lm_head.weight";

    private WeightNames() {}

    static String layer(int i, String suffix) {
        return "model.layers." + i + "." + suffix;
    }

    /** "self_attn" or "mlp": the HF submodule a projection belongs to. */
    static String block(String module) {
        return switch (module) {
            case "gate_proj", "up_proj", "down_proj" -> "mlp";
            default -> "self_attn";
        };
    }

    /** {@code [out, in]} of a projection, as stored by HF Linear. */
    static long[] projectionShape(ModelConfig c, String module) {
        long h = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long inter = c.intermediateSize();
        return switch (module) {
            case "q_proj" -> new long[] {q, h};
            case "k_proj", "v_proj" -> new long[] {kv, h};
            case "o_proj" -> new long[] {h, q};
            case "gate_proj", "up_proj" -> new long[] {inter, h};
            case "down_proj" -> new long[] {h, inter};
            default -> throw new IllegalArgumentException("Invalid projection: " + module);
        };
    }

    /** Every expected tensor, in checkpoint order. */
    static Map<String, long[]> expected(ModelConfig c) {
        // the same tensors as io's ExpectedWeights, in the order tests draw random weights in
        Map<String, long[]> out = new LinkedHashMap<>();
        long h = c.hiddenSize();
        out.put(EMBED, new long[] {c.vocabSize(), h});
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            out.put(layer(i, "input_layernorm.weight"), new long[] {h});
            for (String m : new String[] {"q_proj", "k_proj", "v_proj", "o_proj"}) {
                long[] shape = projectionShape(c, m);
                out.put(layer(i, "self_attn." + m + ".weight"), shape);
                if (c.attentionBias() && (!m.equals("o_proj") || c.outputBias())) {
                    out.put(layer(i, "self_attn." + m + ".bias"), new long[] {shape[0]});
                }
            }
            if (c.qkNorm()) {
                out.put(layer(i, "self_attn.q_norm.weight"), new long[] {c.headDim()});
                out.put(layer(i, "self_attn.k_norm.weight"), new long[] {c.headDim()});
            }
            out.put(layer(i, "post_attention_layernorm.weight"), new long[] {h});
            for (String m : new String[] {"gate_proj", "up_proj", "down_proj"}) {
                out.put(layer(i, "mlp." + m + ".weight"), projectionShape(c, m));
            }
        }
        out.put(NORM, new long[] {h});
        if (!c.tieWordEmbeddings()) {
            out.put(LM_HEAD, new long[] {c.vocabSize(), h});
        }
        return out;
    }
}
