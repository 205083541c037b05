package dev.ssb.worker.api;

/**
 * The GRPO objective per reply token: {@code −min(ρ·A, clip(ρ, 1−ε, 1+ε)·A) + β·KL}, with {@code ρ
 * = π_θ(token) / π_old(token)} and the KL to the reference model estimated as in the GRPO paper
 * (Shao et al. 2024, eq. 4): {@code π_ref/π_θ − log(π_ref/π_θ) − 1}. Summed over reply tokens.
 *
 * @param clipEps ε of the ratio clipping, in (0, 1)
 * @param beta weight of the KL penalty, {@code >= 0}; 0 drops it (no reference pass needed)
 */
public record PolicyLoss(float clipEps, float beta) {
    public PolicyLoss {
        if (!(clipEps > 0 && clipEps < 1)) {
            throw new IllegalArgumentException(
                    "Invalid clip epsilon: " + clipEps + " (must be in (0, 1))");
        }
        if (!(beta >= 0) || Float.isInfinite(beta)) {
            throw new IllegalArgumentException("Invalid beta: " + beta + " (must be >= 0)");
        }
    }
}
