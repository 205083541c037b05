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
 * @param maxPromptTokens data.max_prompt_tokens: the longest student prompt (0 = the model's
 *     context only)
 * @param batchTokens model.batch_tokens: padded tokens per model call
 */
public record ModelTask(
        String checkpoint,
        boolean useGpu,
        Device.DType dtype,
        long runSeed,
        String systemPrompt,
        String runId,
        String configHash,
        int maxPromptTokens,
        int batchTokens)
        implements Serializable {

    /** With data.max_prompt_tokens and model.batch_tokens at their defaults. */
    public ModelTask(
            String checkpoint,
            boolean useGpu,
            Device.DType dtype,
            long runSeed,
            String systemPrompt,
            String runId,
            String configHash) {
        this(
                checkpoint,
                useGpu,
                dtype,
                runSeed,
                systemPrompt,
                runId,
                configHash,
                SsbProperties.DATA_MAX_PROMPT_TOKENS_DEFAULT,
                SsbProperties.MODEL_BATCH_TOKENS_DEFAULT);
    }

    public ModelTask {
        requireNonNull(checkpoint, "checkpoint is null");
        requireNonNull(dtype, "dtype is null");
        requireNonNull(systemPrompt, "systemPrompt is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(configHash, "configHash is null");
        if (maxPromptTokens < 0) {
            throw new IllegalArgumentException(
                    "Invalid max_prompt_tokens: " + maxPromptTokens + " (must be >= 0)");
        }
        if (batchTokens < 1) {
            throw new IllegalArgumentException(
                    "Invalid batch_tokens: " + batchTokens + " (must be >= 1)");
        }
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
                config.hash(),
                config.intValue(SsbProperties.DATA_MAX_PROMPT_TOKENS),
                config.intValue(SsbProperties.MODEL_BATCH_TOKENS));
    }

    /** A copy with data.max_prompt_tokens and model.batch_tokens set to the given values. */
    public ModelTask withLimits(int maxPromptTokens, int batchTokens) {
        return new ModelTask(
                checkpoint,
                useGpu,
                dtype,
                runSeed,
                systemPrompt,
                runId,
                configHash,
                maxPromptTokens,
                batchTokens);
    }

    /**
     * Whether a sequence fits: its student prompt within data.max_prompt_tokens (when set) and its
     * longest length (prompt + new or reply tokens) within the model's {@code context}.
     */
    public boolean fits(int studentPromptTokens, long sequenceTokens, int context) {
        return sequenceTokens <= context
                && (maxPromptTokens == 0 || studentPromptTokens <= maxPromptTokens);
    }

    /** The student's prompt: [system, user: question] (the question alone without a system). */
    public List<ChatMessage> studentMessages(String question) {
        return systemPrompt.isEmpty()
                ? List.of(ChatMessage.user(question))
                : List.of(ChatMessage.system(systemPrompt), ChatMessage.user(question));
    }
}
