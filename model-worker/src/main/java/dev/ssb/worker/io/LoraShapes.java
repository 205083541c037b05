package dev.ssb.worker.io;

import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.ModelConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PEFT key names and shapes of LoRA weights on a Qwen2/Llama model: {@code
 * base_model.model.model.layers.{i}.self_attn.q_proj.lora_A.weight} is {@code [r, in]}, {@code
 * ...lora_B.weight} is {@code [out, r]}.
 */
public final class LoraShapes {

    /** What PEFT's {@code PeftModel} prepends to the base model's module names. */
    public static final String PEFT_PREFIX = "base_model.model.";

    private LoraShapes() {}

    /** {@code self_attn} for attention projections, {@code mlp} for the MLP ones. */
    public static String group(String module) {
        return switch (module) {
            case "q_proj", "k_proj", "v_proj", "o_proj" -> "self_attn";
            case "gate_proj", "up_proj", "down_proj" -> "mlp";
            default -> throw new IllegalArgumentException("Invalid target module: " + module);
        };
    }

    /** The base weight a LoRA pair adapts, e.g. {@code model.layers.0.self_attn.q_proj.weight}. */
    public static String baseWeight(int layer, String module) {
        return ExpectedWeights.layerPrefix(layer) + group(module) + "." + module + ".weight";
    }

    /** PEFT key of the A matrix ({@code [r, in]}). */
    public static String keyA(int layer, String module) {
        return key(layer, module, "A");
    }

    /** PEFT key of the B matrix ({@code [out, r]}). */
    public static String keyB(int layer, String module) {
        return key(layer, module, "B");
    }

    private static String key(int layer, String module, String ab) {
        return PEFT_PREFIX
                + ExpectedWeights.layerPrefix(layer)
                + group(module)
                + "."
                + module
                + ".lora_"
                + ab
                + ".weight";
    }

    /** {@code [out, in]} of a projection. */
    public static long[] outIn(ModelConfig model, String module) {
        long h = model.hiddenSize();
        long q = (long) model.numAttentionHeads() * model.headDim();
        long kv = (long) model.numKeyValueHeads() * model.headDim();
        long ff = model.intermediateSize();
        return switch (module) {
            case "q_proj" -> new long[] {q, h};
            case "k_proj", "v_proj" -> new long[] {kv, h};
            case "o_proj" -> new long[] {h, q};
            case "gate_proj", "up_proj" -> new long[] {ff, h};
            case "down_proj" -> new long[] {h, ff};
            default -> throw new IllegalArgumentException("Invalid target module: " + module);
        };
    }

    /** Every LoRA tensor of an adapter on {@code model}, layer by layer, A before B. */
    public static Map<String, long[]> expected(LoraConfig lora, ModelConfig model) {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (int layer = 0; layer < model.numHiddenLayers(); layer++) {
            for (String module : lora.targetModules()) {
                long[] oi = outIn(model, module);
                m.put(keyA(layer, module), new long[] {lora.rank(), oi[1]});
                m.put(keyB(layer, module), new long[] {oi[0], lora.rank()});
            }
        }
        return m;
    }
}
