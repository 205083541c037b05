package dev.ssb.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.worker.api.LrSchedule;
import org.junit.jupiter.api.Test;

class DistillSettingsTest {

    @Test
    void defaultsFollowThePaper() {
        DistillSettings s = DistillSettings.from(SsbConfig.defaults());
        assertThat(s.lora().rank()).isEqualTo(32);
        assertThat(s.lora().alpha()).isEqualTo(32f);
        assertThat(s.lora().targetModules())
                .containsExactly(
                        "q_proj",
                        "k_proj",
                        "v_proj",
                        "o_proj",
                        "gate_proj",
                        "up_proj",
                        "down_proj");
        assertThat(s.lr()).isEqualTo(2e-4);
        assertThat(s.batchSize()).isEqualTo(4);
        assertThat(s.epochs()).isEqualTo(3);
        assertThat(s.loss().temperature()).isEqualTo(2f);
        assertThat(s.loss().kdWeight()).isEqualTo(1f);
        assertThat(s.loss().ceWeight()).isEqualTo(0f);
    }

    @Test
    void scheduleAndModulesComeFromTheConfiguration() {
        SsbConfig config =
                SsbConfig.defaults()
                        .with(SsbProperties.DISTILL_SCHEDULE, "cosine")
                        .with(SsbProperties.DISTILL_WARMUP_STEPS, 2)
                        .with(SsbProperties.DISTILL_LORA_TARGET_MODULES, " q_proj, v_proj ");
        DistillSettings s = DistillSettings.from(config);
        assertThat(s.lora().targetModules()).containsExactly("q_proj", "v_proj");
        assertThat(s.adamW(10).schedule()).isEqualTo(LrSchedule.COSINE);
        assertThat(s.adamW(10).lrAt(0)).isEqualTo(1e-4); // warmup 1/2
        assertThat(s.adamW(2).schedule()).isEqualTo(LrSchedule.CONSTANT); // all warmup
    }

    @Test
    void rejectsUnknownModulesAndBothLossWeightsZero() {
        assertThatThrownBy(
                        () ->
                                DistillSettings.from(
                                        SsbConfig.defaults()
                                                .with(
                                                        SsbProperties.DISTILL_LORA_TARGET_MODULES,
                                                        "q_proj,qkv")))
                .hasMessageStartingWith("Invalid target module: qkv");
        assertThatThrownBy(
                        () ->
                                DistillSettings.from(
                                        SsbConfig.defaults()
                                                .with(SsbProperties.DISTILL_LAMBDA_KD, 0)
                                                .with(SsbProperties.DISTILL_LAMBDA_CE, 0)))
                .hasMessageStartingWith("Invalid loss weights");
    }
}
