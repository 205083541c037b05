package dev.ssb.rollout;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.Prompts;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.SamplingParams;
import java.io.Serializable;

/**
 * What rollout tasks need, in a serializable form shipped with the task closure.
 *
 * @param checkpoint model.checkpoint
 * @param useGpu model.device == gpu
 * @param dtype model.dtype
 * @param samples K
 * @param temperature sampling temperature
 * @param topK top-k (0 = off)
 * @param topP nucleus mass
 * @param maxNewTokens token budget per rollout
 * @param batchSize sequences per generate call (a problem's K samples are never split)
 * @param runSeed the run seed
 * @param systemPrompt the tutor system prompt (empty = none)
 * @param runId run_id column
 * @param configHash config_hash column
 */
public record RolloutSettings(
        String checkpoint,
        boolean useGpu,
        Device.DType dtype,
        int samples,
        float temperature,
        int topK,
        float topP,
        int maxNewTokens,
        int batchSize,
        long runSeed,
        String systemPrompt,
        String runId,
        String configHash)
        implements Serializable {

    public RolloutSettings {
        requireNonNull(checkpoint, "checkpoint is null");
        requireNonNull(dtype, "dtype is null");
        requireNonNull(systemPrompt, "systemPrompt is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(configHash, "configHash is null");
        if (samples < 1) {
            throw new IllegalArgumentException("Invalid samples: " + samples + " (must be >= 1)");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException(
                    "Invalid batch_size: " + batchSize + " (must be >= 1)");
        }
        new SamplingParams(temperature, topK, topP, maxNewTokens); // validated on the driver
    }

    /** Everything from the configuration; the system prompt is read on the driver. */
    public static RolloutSettings from(SsbConfig config) {
        SamplingParams p = config.rolloutSampling();
        return new RolloutSettings(
                config.string(SsbProperties.MODEL_CHECKPOINT),
                config.useGpu(),
                config.dtype(),
                config.intValue(SsbProperties.ROLLOUT_SAMPLES),
                p.temperature(),
                p.topK(),
                p.topP(),
                p.maxNewTokens(),
                config.intValue(SsbProperties.ROLLOUT_BATCH_SIZE),
                config.seed(),
                Prompts.read(config.string(SsbProperties.PROMPTS_SYSTEM)).strip(),
                config.runId(),
                config.hash());
    }

    public SamplingParams sampling() {
        return new SamplingParams(temperature, topK, topP, maxNewTokens);
    }

    /** Problems per generate call: as many whole problems as fit in batchSize, at least one. */
    int problemsPerBatch() {
        return Math.max(1, batchSize / samples);
    }
}
