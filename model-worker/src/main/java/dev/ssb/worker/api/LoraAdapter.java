package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * LoRA weights in JVM memory, keyed by PEFT names such as {@code
 * base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight} (A: {@code [r, in]}, B: {@code
 * [out, r]}). Pure Java: the Spark driver owns and updates one without loading PyTorch.
 */
public record LoraAdapter(LoraConfig config, Map<String, HostTensor> tensors) {
    public LoraAdapter {
        requireNonNull(config, "config is null");
        tensors =
                java.util.Collections.unmodifiableMap(
                        new TreeMap<>(requireNonNull(tensors, "tensors is null")));
    }

    /**
     * A fresh adapter as PEFT initialises one: every A {@code [r, in]} uniform in ±1/√in
     * (kaiming-uniform with a = √5), every B {@code [out, r]} zero, so the adapted model equals the
     * base. Deterministic in {@code seed}.
     */
    public static LoraAdapter initialize(LoraConfig config, ModelConfig model, long seed) {
        return provider().initialize(config, model, seed);
    }

    /**
     * Reads a PEFT adapter directory ({@code adapter_config.json} + {@code
     * adapter_model.safetensors}), checking that the tensors agree with its rank and modules.
     *
     * @throws IllegalArgumentException "Cannot load adapter %s: ..." naming the key or setting
     */
    public static LoraAdapter load(Path dir) {
        return provider().load(dir);
    }

    /** Reads a PEFT adapter and checks every tensor's presence and shape against the base model. */
    public static LoraAdapter load(Path dir, ModelConfig model) {
        return provider().load(dir, model);
    }

    /** Writes this adapter in PEFT's format ({@code base_model_name_or_path} left null). */
    public void save(Path dir) {
        provider().save(this, dir, null);
    }

    /** Writes this adapter in PEFT's format, recording the base model for {@code AutoPeftModel}. */
    public void save(Path dir, String baseModelNameOrPath) {
        provider().save(this, dir, baseModelNameOrPath);
    }

    private static LoraAdapterProvider provider() {
        return Services.cached(LoraAdapterProvider.class);
    }

    public long parameterCount() {
        long n = 0;
        for (HostTensor t : tensors.values()) {
            n += t.size();
        }
        return n;
    }
}
