package dev.ssb.worker.api;

/**
 * The distillation objective: {@code kdWeight · T² · KL(p_teacher,T ‖ p_student,T) + ceWeight ·
 * CE(reply)}, summed over reply tokens.
 */
public record LossConfig(float temperature, float kdWeight, float ceWeight) {
    public LossConfig {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException(
                    "Invalid kd temperature: " + temperature + " (must be > 0)");
        }
        if (!(kdWeight >= 0) || !(ceWeight >= 0) || kdWeight + ceWeight == 0) {
            throw new IllegalArgumentException(
                    "Invalid loss weights: kd="
                            + kdWeight
                            + ", ce="
                            + ceWeight
                            + " (must be >= 0, not both 0)");
        }
    }

    /** The paper's setting: T = 2, λ_KD = 1, λ_CE = 0. */
    public static LossConfig paper() {
        return new LossConfig(2f, 1f, 0f);
    }
}
