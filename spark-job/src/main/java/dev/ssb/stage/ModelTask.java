package dev.ssb.stage;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.Prompts;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.Device;
import java.io.Serializable;
import java.util.List;

/**
 * What every model stage's tasks need besides their own knobs, shipped with the task closure.
 *
 * @param checkpoint model.checkpoint
 * @param useGpu model.device == gpu
 * @param dtype model.dtype
 * @param runSeed the run seed every per-sequence seed derives from
 * @param systemPrompt the tutor system prompt (empty = none), read on the driver
 * @param runId run_id column
 * @param configHash config_hash column
 */
public record ModelTask(
        String checkpoint,
        boolean useGpu,
        Device.DType dtype,
        long runSeed,
        String systemPrompt,
        String runId,
        String configHash)
        implements Serializable {

    public ModelTask {
        requireNonNull(checkpoint, "checkpoint is null");
        requireNonNull(dtype, "dtype is null");
        requireNonNull(systemPrompt, "systemPrompt is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(configHash, "configHash is null");
    }

    /** Everything from the configuration; the system prompt is read here, on the driver. */
    public static ModelTask from(SsbConfig config) {
        return new ModelTask(
                config.string(SsbProperties.MODEL_CHECKPOINT),
                config.useGpu(),
                config.dtype(),
                config.seed(),
                Prompts.read(config.string(SsbProperties.PROMPTS_SYSTEM)).strip(),
                config.runId(),
                config.hash());
    }

    /** The student's prompt: [system, user: question] (the question alone without a system). */
    public List<ChatMessage> studentMessages(String question) {
        return systemPrompt.isEmpty()
                ? List.of(ChatMessage.user(question))
                : List.of(ChatMessage.system(systemPrompt), ChatMessage.user(question));
    }
}
