package dev.ssb.logits;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.stage.ModelTask;
import java.io.Serializable;

/**
 * What teacher-logits tasks need, shipped with the task closure.
 *
 * @param model checkpoint, device, system prompt (of the student prompt), run columns
 * @param topK logits.top_k: ids kept per reply position
 * @param temperature logits.temperature: the T of the stored log-sum-exp
 * @param batchSize logits.batch_size: forward passes per call
 */
public record LogitsSettings(ModelTask model, int topK, float temperature, int batchSize)
        implements Serializable {

    public LogitsSettings {
        requireNonNull(model, "model is null");
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
                ModelTask.from(config),
                config.intValue(SsbProperties.LOGITS_TOP_K),
                (float) config.doubleValue(SsbProperties.LOGITS_TEMPERATURE),
                config.intValue(SsbProperties.LOGITS_BATCH_SIZE));
    }
}
