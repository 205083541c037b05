package dev.ssb.logits;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.Prompts;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.worker.api.Device;
import java.io.Serializable;

/**
 * What teacher-logits tasks need, shipped with the task closure.
 *
 * @param checkpoint model.checkpoint
 * @param useGpu model.device == gpu
 * @param dtype model.dtype
 * @param topK logits.top_k: ids kept per reply position
 * @param temperature logits.temperature: the T of the stored log-sum-exp
 * @param batchSize logits.batch_size: forward passes per call
 * @param systemPrompt the tutor system prompt (empty = none) of the student prompt
 * @param runId run_id column
 * @param configHash config_hash column
 */
public record LogitsSettings(
        String checkpoint,
        boolean useGpu,
        Device.DType dtype,
        int topK,
        float temperature,
        int batchSize,
        String systemPrompt,
        String runId,
        String configHash)
        implements Serializable {

    public LogitsSettings {
        requireNonNull(checkpoint, "checkpoint is null");
        requireNonNull(dtype, "dtype is null");
        requireNonNull(systemPrompt, "systemPrompt is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(configHash, "configHash is null");
        if (topK < 1) {
            throw new IllegalArgumentException("Invalid logits top_k: " + topK + " (must be >= 1)");
        }
        if (!(temperature > 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException(
                    "Invalid logits temperature: " + temperature + " (must be > 0)");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException(
                    "Invalid logits batch_size: " + batchSize + " (must be >= 1)");
        }
    }

    /** Everything from the configuration; the system prompt is read on the driver. */
    public static LogitsSettings from(SsbConfig config) {
        return new LogitsSettings(
                config.string(SsbProperties.MODEL_CHECKPOINT),
                config.useGpu(),
                config.dtype(),
                config.intValue(SsbProperties.LOGITS_TOP_K),
                (float) config.doubleValue(SsbProperties.LOGITS_TEMPERATURE),
                config.intValue(SsbProperties.LOGITS_BATCH_SIZE),
                Prompts.read(config.string(SsbProperties.PROMPTS_SYSTEM)).strip(),
                config.runId(),
                config.hash());
    }
}
