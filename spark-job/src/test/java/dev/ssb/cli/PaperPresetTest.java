package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.config.ConfigResolver;
import dev.ssb.config.Prompts;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.distill.DistillSettings;
import dev.ssb.worker.api.AdamWConfig;
import dev.ssb.worker.api.LrSchedule;
import dev.ssb.worker.api.TeacherPromptTemplate;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * conf/paper.properties resolves to the authors' settings (issue 14's list, read against their
 * logit_gen.py and ssb_train.py), and its prompts carry each of their instructions.
 */
class PaperPresetTest {

    private static final Path REPO = AirflowDagTest.REPO;

    private static SsbConfig paper() {
        return ConfigResolver.resolve(
                Optional.of(REPO.resolve("conf/paper.properties").toString()), Map.of());
    }

    @Test
    void resolvesToTheAuthorsSettings() {
        SsbConfig c = paper();
        assertThat(c.string(SsbProperties.MODEL_NAME)).isEqualTo("Qwen/Qwen2.5-3B-Instruct");
        assertThat(c.intValue(SsbProperties.DATA_ACCEPT_TARGET)).isEqualTo(256);
        // K = 4 at T = 0.8, top-k 50; the checkpoint's top_p 0.8 applied as in generate()
        assertThat(c.intValue(SsbProperties.ROLLOUT_SAMPLES)).isEqualTo(4);
        assertThat(c.doubleValue(SsbProperties.ROLLOUT_TEMPERATURE)).isEqualTo(0.8);
        assertThat(c.intValue(SsbProperties.ROLLOUT_TOP_K)).isEqualTo(50);
        assertThat(c.doubleValue(SsbProperties.ROLLOUT_TOP_P)).isEqualTo(0.8);
        assertThat(c.doubleValue(SsbProperties.ROLLOUT_REPETITION_PENALTY)).isEqualTo(1.05);
        assertThat(c.doubleValue(SsbProperties.EVAL_REPETITION_PENALTY)).isEqualTo(1.05);
        // the teacher samples with the rollout's top-k, top-p and penalty at its own temperature
        var teacher = dev.ssb.curate.CurateSettings.from(c).decoding();
        assertThat(teacher.temperature()).isEqualTo(0.4f);
        assertThat(teacher.topK()).isEqualTo(50);
        assertThat(teacher.topP()).isEqualTo(0.8f);
        assertThat(teacher.repetitionPenalty()).isEqualTo(1.05f);
        assertThat(teacher.maxNewTokens()).isEqualTo(8192);
        assertThat(c.doubleValue(SsbProperties.TEACHER_TEMPERATURE)).isEqualTo(0.4);
        for (String budget :
                new String[] {
                    SsbProperties.ROLLOUT_MAX_NEW_TOKENS,
                    SsbProperties.TEACHER_MAX_NEW_TOKENS,
                    SsbProperties.EVAL_MAX_NEW_TOKENS
                }) {
            assertThat(c.intValue(budget)).as(budget).isEqualTo(8192);
        }
        assertThat(c.doubleValue(SsbProperties.LOGITS_TEMPERATURE)).isEqualTo(2.0);

        DistillSettings d = DistillSettings.from(c);
        assertThat(d.lora().rank()).isEqualTo(32);
        assertThat(d.lora().alpha()).isEqualTo(32f);
        assertThat(d.lora().targetModules())
                .containsExactly(
                        "q_proj",
                        "k_proj",
                        "v_proj",
                        "o_proj",
                        "gate_proj",
                        "up_proj",
                        "down_proj");
        assertThat(d.lr()).isEqualTo(2e-4);
        assertThat(d.batchSize()).isEqualTo(4);
        assertThat(d.epochs()).isEqualTo(3);
        assertThat(d.loss().temperature()).isEqualTo(2f);
        assertThat(d.loss().kdWeight()).isEqualTo(1f);
        assertThat(d.loss().ceWeight()).isEqualTo(0f);
        AdamWConfig adamW = d.adamW(192); // 256 accepted / batch 4 x 3 epochs
        assertThat(adamW.schedule()).isEqualTo(LrSchedule.LINEAR);
        assertThat(adamW.warmupSteps()).isZero();
        assertThat(adamW.weightDecay()).isZero();
        assertThat(adamW.maxGradNorm()).isEqualTo(1.0);
        assertThat(adamW.beta1()).isEqualTo(0.9);
        assertThat(adamW.beta2()).isEqualTo(0.999);
        assertThat(adamW.eps()).isEqualTo(1e-8);
    }

    /**
     * Hugging Face Trainer's default: get_linear_schedule_with_warmup(0 warmup), stepped after each
     * update, so update s uses lr · (total − s) / total and the rate after the last update is 0.
     */
    @Test
    void linearScheduleDecaysToZeroAfterTheLastUpdateWithoutWarmup() {
        AdamWConfig adamW = DistillSettings.from(paper()).adamW(192);
        for (int s = 0; s < 192; s++) {
            assertThat(adamW.lrAt(s)).as("update %d", s).isCloseTo(2e-4 * (192 - s) / 192, tol());
        }
        assertThat(adamW.lrAt(0)).isEqualTo(2e-4); // no warmup: the first update at the peak
        assertThat(adamW.lrAt(191)).isCloseTo(2e-4 / 192, tol()); // the last one, still > 0
        assertThat(adamW.lrAt(192)).isZero(); // where the schedule ends
        assertThat(LrSchedule.LINEAR.factor(3, 0, 4)).isCloseTo(0.25, tol());
    }

    @Test
    void promptsCarryEachOfTheAuthorsInstructions() {
        SsbConfig c = paper();
        String system =
                Prompts.read(REPO.resolve(c.string(SsbProperties.PROMPTS_SYSTEM)).toString());
        String teacher =
                Prompts.read(REPO.resolve(c.string(SsbProperties.PROMPTS_TEACHER)).toString());
        TeacherPromptTemplate.fromFile(teacher); // every placeholder present
        assertThat(system.toLowerCase(Locale.ROOT))
                .contains("expert mathematics tutor", "step by step", "never leave a step out")
                .contains("\\boxed{}");
        String t = teacher.toLowerCase(Locale.ROOT);
        assertThat(t)
                .as("the attempts were checked by an automatic grader, one correct, one not")
                .contains("automatic grader", "marked correct", "marked incorrect");
        assertThat(t)
                .as("a detailed, coherent, step-by-step standalone solution for students")
                .contains("stand on its own", "coherently, step by step", "do not skip any step")
                .contains("students to study");
        assertThat(t)
                .as("caution about likely errors and wrong chains of reasoning")
                .contains("mistakes a student is likely to make", "chains of reasoning");
        assertThat(t).as("never mention the attempts").contains("do not mention");
        assertThat(t)
                .as("the boxed answer matches the correct attempt's")
                .contains("exactly the same as the boxed answer of the attempt marked correct");
        assertThat(t).as("not the toy's wording, which hurt on the toy").doesNotContain("slipped");
    }

    private static org.assertj.core.data.Offset<Double> tol() {
        return org.assertj.core.data.Offset.offset(1e-15);
    }
}
