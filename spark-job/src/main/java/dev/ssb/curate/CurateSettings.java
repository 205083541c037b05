package dev.ssb.curate;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.Prompts;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.SamplingParams;
import java.io.Serializable;

/**
 * What curate tasks need, shipped with the task closure.
 *
 * @param checkpoint model.checkpoint
 * @param useGpu model.device == gpu
 * @param dtype model.dtype
 * @param temperature teacher.temperature
 * @param topK rollout.top_k (the teacher samples with the rollout's top-k and top-p)
 * @param topP rollout.top_p
 * @param maxNewTokens teacher.max_new_tokens
 * @param batchSize teacher.batch_size: teacher replies per generate call
 * @param runSeed the run seed
 * @param systemPrompt the tutor system prompt (empty = none), as in rollouts
 * @param teacherTemplate the hinted teacher's user prompt with its three placeholders
 * @param runId run_id column
 * @param configHash config_hash column
 */
public record CurateSettings(
        String checkpoint,
        boolean useGpu,
        Device.DType dtype,
        float temperature,
        int topK,
        float topP,
        int maxNewTokens,
        int batchSize,
        long runSeed,
        String systemPrompt,
        String teacherTemplate,
        String runId,
        String configHash)
        implements Serializable {

    public CurateSettings {
        requireNonNull(checkpoint, "checkpoint is null");
        requireNonNull(dtype, "dtype is null");
        requireNonNull(systemPrompt, "systemPrompt is null");
        requireNonNull(teacherTemplate, "teacherTemplate is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(configHash, "configHash is null");
        if (batchSize < 1) {
            throw new IllegalArgumentException(
                    "Invalid teacher batch_size: " + batchSize + " (must be >= 1)");
        }
        TeacherPrompt.checkTemplate(teacherTemplate);
        new SamplingParams(temperature, topK, topP, maxNewTokens); // validated on the driver
    }

    /** Everything from the configuration; prompts are read on the driver. */
    public static CurateSettings from(SsbConfig config) {
        return new CurateSettings(
                config.string(SsbProperties.MODEL_CHECKPOINT),
                config.useGpu(),
                config.dtype(),
                (float) config.doubleValue(SsbProperties.TEACHER_TEMPERATURE),
                config.intValue(SsbProperties.ROLLOUT_TOP_K),
                (float) config.doubleValue(SsbProperties.ROLLOUT_TOP_P),
                config.intValue(SsbProperties.TEACHER_MAX_NEW_TOKENS),
                config.intValue(SsbProperties.TEACHER_BATCH_SIZE),
                config.seed(),
                Prompts.read(config.string(SsbProperties.PROMPTS_SYSTEM)).strip(),
                TeacherPrompt.stripTrailingNewlines(
                        Prompts.read(config.string(SsbProperties.PROMPTS_TEACHER))),
                config.runId(),
                config.hash());
    }

    public SamplingParams sampling() {
        return new SamplingParams(temperature, topK, topP, maxNewTokens);
    }
}
