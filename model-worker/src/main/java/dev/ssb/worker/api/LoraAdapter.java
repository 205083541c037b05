package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

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

    public long parameterCount() {
        long n = 0;
        for (HostTensor t : tensors.values()) {
            n += t.size();
        }
        return n;
    }
}
