package dev.ssb.eval;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.Prompts;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.SamplingParams;
import java.io.Serializable;

/**
 * What evaluation tasks need, shipped with the task closure. Base and student use the same
 * settings, so their prompts and per-sample seeds are identical.
 *
 * @param checkpoint model.checkpoint (the base)
 * @param useGpu model.device == gpu
 * @param dtype model.dtype
 * @param samples n samples per problem and model
 * @param temperature 0 = greedy
 * @param topK top-k (0 = off)
 * @param topP nucleus mass
 * @param maxNewTokens token budget per sample
 * @param batchSize sequences per generate call (a problem's n samples are never split)
 * @param runSeed the run seed
 * @param systemPrompt the tutor system prompt (empty = none), as in rollouts
 * @param runId run_id column
 * @param configHash config_hash column
 */
public record EvalSettings(
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

    public EvalSettings {
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
    public static EvalSettings from(SsbConfig config) {
        return new EvalSettings(
                config.string(SsbProperties.MODEL_CHECKPOINT),
                config.useGpu(),
                config.dtype(),
                config.intValue(SsbProperties.EVAL_SAMPLES),
                (float) config.doubleValue(SsbProperties.EVAL_TEMPERATURE),
                config.intValue(SsbProperties.EVAL_TOP_K),
                (float) config.doubleValue(SsbProperties.EVAL_TOP_P),
                config.intValue(SsbProperties.EVAL_MAX_NEW_TOKENS),
                config.intValue(SsbProperties.EVAL_BATCH_SIZE),
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
