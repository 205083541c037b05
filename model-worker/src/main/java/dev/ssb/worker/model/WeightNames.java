package dev.ssb.worker.model;

import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.io.ExpectedWeights;
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
        return new LinkedHashMap<>(ExpectedWeights.forConfig(c).shapes());
    }
}
