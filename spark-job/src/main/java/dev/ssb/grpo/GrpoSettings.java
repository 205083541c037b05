package dev.ssb.grpo;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.distill.DistillSettings;
import dev.ssb.stage.Decoding;
import dev.ssb.stage.ModelTask;
import dev.ssb.worker.api.PolicyLoss;
import java.io.Serializable;

/**
 * What GRPO needs from the configuration, shipped with its tasks. The LoRA, AdamW, schedule,
 * clipping, checkpoint, shard and logging settings are distill's ({@code distill.*}: one trainer
 * configuration), the sampler is the rollout stage's ({@code rollout.*}), the rest is {@code
 * grpo.*}.
 *
 * @param train distill's settings: model, LoRA, AdamW, checkpoints, workers, seed, run columns
 * @param model prompts (system prompt, prompt-length limit) and run columns
 * @param decoding the sampler (rollout.temperature, top_k, top_p, max_new_tokens,
 *     repetition_penalty)
 * @param groupSize G, completions per problem
 * @param problemsPerStep B, problems per step
 * @param steps sampling steps
 * @param mu optimizer updates per sampled batch
 * @param beta weight of the KL to the base model
 * @param clipEps ratio clipping ε
 * @param scaleRewards divide advantages by the group's std
 */
public record GrpoSettings(
        DistillSettings train,
        ModelTask model,
        Decoding decoding,
        int groupSize,
        int problemsPerStep,
        int steps,
        int mu,
        float beta,
        float clipEps,
        boolean scaleRewards)
        implements Serializable {

    public GrpoSettings {
        requireNonNull(train, "train is null");
        requireNonNull(model, "model is null");
        requireNonNull(decoding, "decoding is null");
        if (groupSize < 2) {
            throw new IllegalArgumentException(
                    "Invalid grpo.group_size: " + groupSize + " (must be >= 2)");
        }
        if (problemsPerStep < 1 || steps < 1 || mu < 1) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid grpo.problems_per_step %s, steps %s, mu %s (each must be >="
                                    + " 1)",
                            problemsPerStep, steps, mu));
        }
        new PolicyLoss(clipEps, beta); // validated on the driver
    }

    /** Everything from the configuration; its sampling keys must be resolved. */
    public static GrpoSettings from(SsbConfig config) {
        return new GrpoSettings(
                DistillSettings.from(config),
                ModelTask.from(config),
                Decoding.from(config, "rollout.", "rollout."),
                config.intValue(SsbProperties.GRPO_GROUP_SIZE),
                config.intValue(SsbProperties.GRPO_PROBLEMS_PER_STEP),
                config.intValue(SsbProperties.GRPO_STEPS),
                config.intValue(SsbProperties.GRPO_MU),
                (float) config.doubleValue(SsbProperties.GRPO_BETA),
                (float) config.doubleValue(SsbProperties.GRPO_CLIP_EPS),
                "std".equals(config.string(SsbProperties.GRPO_SCALE_REWARDS)));
    }

    public PolicyLoss loss() {
        return new PolicyLoss(clipEps, beta);
    }
}
