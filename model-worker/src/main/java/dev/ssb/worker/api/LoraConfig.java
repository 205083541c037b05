package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;

/**
 * A LoRA adapter's shape: {@code W' = W + (alpha / rank) · B·A} on each target module.
 *
 * @param rank r &gt; 0
 * @param alpha scaling numerator
 * @param targetModules PEFT module names among q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj,
 *     down_proj
 */
public record LoraConfig(int rank, float alpha, List<String> targetModules) {

    public static final Set<String> KNOWN_MODULES =
            Set.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");
    public static final List<String> ALL_MODULES =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    public LoraConfig {
        targetModules = List.copyOf(requireNonNull(targetModules, "targetModules is null"));
        if (rank <= 0) {
            throw new IllegalArgumentException("Invalid lora rank: " + rank + " (must be > 0)");
        }
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("Invalid lora alpha: " + alpha + " (must be > 0)");
        }
        if (targetModules.isEmpty()) {
            throw new IllegalArgumentException("Invalid target modules: empty");
        }
        for (String m : targetModules) {
            if (!KNOWN_MODULES.contains(m)) {
                throw new IllegalArgumentException(
                        "Invalid target module: " + m + " (known: " + ALL_MODULES + ")");
            }
        }
    }

    /** The paper's setting: r = 32, alpha = 32, all seven projections. */
    public static LoraConfig paper() {
        return new LoraConfig(32, 32f, ALL_MODULES);
    }

    public float scale() {
        return alpha / rank;
    }
}
