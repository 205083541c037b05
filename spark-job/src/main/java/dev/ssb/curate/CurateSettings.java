package dev.ssb.curate;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.Prompts;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.stage.Decoding;
import dev.ssb.stage.ModelTask;
import java.io.Serializable;

/**
 * What curate tasks need, shipped with the task closure.
 *
 * @param model checkpoint, device, seed, system prompt (as in rollouts), run columns
 * @param decoding the teacher's sampler: teacher.temperature and teacher.max_new_tokens with the
 *     rollout's top-k, top-p and repetition penalty
 * @param batchSize teacher.batch_size: teacher replies per generate call
 * @param teacherTemplate the hinted teacher's user prompt with its three placeholders (two when the
 *     wrong attempt is not shown)
 * @param showWrongAttempt teacher.show_wrong_attempt: false for the ablation whose teacher sees
 *     only the correct attempt (the same problems are selected; the wrong one is not shown)
 */
public record CurateSettings(
        ModelTask model,
        Decoding decoding,
        int batchSize,
        String teacherTemplate,
        boolean showWrongAttempt)
        implements Serializable {

    public CurateSettings {
        requireNonNull(model, "model is null");
        requireNonNull(decoding, "decoding is null");
        requireNonNull(teacherTemplate, "teacherTemplate is null");
        if (batchSize < 1) {
            throw new IllegalArgumentException(
                    "Invalid teacher batch_size: " + batchSize + " (must be >= 1)");
        }
        TeacherPrompt.checkTemplate(teacherTemplate, showWrongAttempt);
    }

    /** The hinted teacher, shown both attempts. */
    public CurateSettings(
            ModelTask model, Decoding decoding, int batchSize, String teacherTemplate) {
        this(model, decoding, batchSize, teacherTemplate, true);
    }

    /** Everything from the configuration; prompts are read on the driver. */
    public static CurateSettings from(SsbConfig config) {
        boolean showWrong = config.bool(SsbProperties.TEACHER_SHOW_WRONG_ATTEMPT);
        return new CurateSettings(
                ModelTask.from(config),
                Decoding.from(config, "teacher.", "rollout."),
                config.intValue(SsbProperties.TEACHER_BATCH_SIZE),
                TeacherPrompt.stripTrailingNewlines(
                        Prompts.read(config.string(SsbProperties.PROMPTS_TEACHER)), showWrong),
                showWrong);
    }
}
