package dev.ssb.stage;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import java.io.Serializable;

/**
 * What a stage that samples n verified solutions per problem needs (rollout with {@code rollout.*},
 * evaluate with {@code eval.*}), shipped with the task closure.
 *
 * @param model checkpoint, device, seed, system prompt, run columns
 * @param samples n samples per problem
 * @param decoding the sampler
 * @param batchSize sequences per generate call (a problem's n samples are never split; checked by
 *     {@link ModelPartition})
 */
public record SampleSettings(ModelTask model, int samples, Decoding decoding, int batchSize)
        implements Serializable {

    public SampleSettings {
        requireNonNull(model, "model is null");
        requireNonNull(decoding, "decoding is null");
        if (samples < 1) {
            throw new IllegalArgumentException("Invalid samples: " + samples + " (must be >= 1)");
        }
    }

    /** The rollout stage's settings (rollout.*). */
    public static SampleSettings rollout(SsbConfig config) {
        return of(config, "rollout.");
    }

    /** The evaluate stage's settings (eval.*): the same for base and student. */
    public static SampleSettings evaluation(SsbConfig config) {
        return of(config, "eval.");
    }

    /**
     * The settings under {@code prefix}: its samples, temperature, top_k, top_p,
     * repetition_penalty, max_new_tokens and batch_size keys ({@link SsbProperties} declares both
     * sets alike); the sampling keys must be resolved ({@link CheckpointSampling#resolve}).
     */
    private static SampleSettings of(SsbConfig config, String prefix) {
        return new SampleSettings(
                ModelTask.from(config),
                config.intValue(prefix + "samples"),
                Decoding.from(config, prefix, prefix),
                config.intValue(prefix + "batch_size"));
    }
}
