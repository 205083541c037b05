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
 * @param batchSize sequences per generate call (a problem's n samples are never split)
 */
public record SampleSettings(ModelTask model, int samples, Decoding decoding, int batchSize)
        implements Serializable {

    public SampleSettings {
        requireNonNull(model, "model is null");
        requireNonNull(decoding, "decoding is null");
        if (samples < 1) {
            throw new IllegalArgumentException("Invalid samples: " + samples + " (must be >= 1)");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException(
                    "Invalid batch_size: " + batchSize + " (must be >= 1)");
        }
    }

    /** The rollout stage's settings (rollout.*). */
    public static SampleSettings rollout(SsbConfig config) {
        return new SampleSettings(
                ModelTask.from(config),
                config.intValue(SsbProperties.ROLLOUT_SAMPLES),
                new Decoding(
                        (float) config.doubleValue(SsbProperties.ROLLOUT_TEMPERATURE),
                        config.intValue(SsbProperties.ROLLOUT_TOP_K),
                        (float) config.doubleValue(SsbProperties.ROLLOUT_TOP_P),
                        config.intValue(SsbProperties.ROLLOUT_MAX_NEW_TOKENS)),
                config.intValue(SsbProperties.ROLLOUT_BATCH_SIZE));
    }

    /** The evaluate stage's settings (eval.*): the same for base and student. */
    public static SampleSettings evaluation(SsbConfig config) {
        return new SampleSettings(
                ModelTask.from(config),
                config.intValue(SsbProperties.EVAL_SAMPLES),
                new Decoding(
                        (float) config.doubleValue(SsbProperties.EVAL_TEMPERATURE),
                        config.intValue(SsbProperties.EVAL_TOP_K),
                        (float) config.doubleValue(SsbProperties.EVAL_TOP_P),
                        config.intValue(SsbProperties.EVAL_MAX_NEW_TOKENS)),
                config.intValue(SsbProperties.EVAL_BATCH_SIZE));
    }
}
