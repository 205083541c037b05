package dev.ssb.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.config.ConfigResolver;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.worker.api.GenerationDefaults;
import dev.ssb.worker.api.ModelWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointSamplingTest {

    /** Qwen2.5-Instruct's generation_config.json values. */
    private static final GenerationDefaults QWEN25 =
            new GenerationDefaults(
                    OptionalDouble.of(0.7),
                    OptionalInt.of(20),
                    OptionalDouble.of(0.8),
                    OptionalDouble.of(1.05));

    @TempDir Path dir;

    @Test
    void autoKeysTakeTheCheckpointsValuesAndSetKeysKeepTheirs() {
        SsbConfig resolved = CheckpointSampling.resolve(SsbConfig.defaults(), QWEN25);
        // top_p and repetition_penalty default to auto; temperatures and top_k are set (paper)
        assertThat(SampleSettings.rollout(resolved).decoding())
                .isEqualTo(new Decoding(0.8f, 50, 0.8f, 512, 1.05f));
        assertThat(SampleSettings.evaluation(resolved).decoding())
                .isEqualTo(new Decoding(0.8f, 50, 0.8f, 1024, 1.05f));
        assertThat(resolved.string(SsbProperties.TEACHER_TEMPERATURE)).isEqualTo("0.4");

        SsbConfig allAuto =
                ConfigResolver.resolve(
                        Optional.empty(),
                        Map.of(
                                "rollout.temperature", "auto",
                                "rollout.top_k", "AUTO",
                                "teacher.temperature", "auto",
                                "eval.top_p", "0.95"));
        SsbConfig r = CheckpointSampling.resolve(allAuto, QWEN25);
        assertThat(SampleSettings.rollout(r).decoding())
                .isEqualTo(new Decoding(0.7f, 20, 0.8f, 512, 1.05f));
        assertThat(r.string(SsbProperties.TEACHER_TEMPERATURE)).isEqualTo("0.7");
        assertThat(r.string(SsbProperties.EVAL_TOP_P)).as("set explicitly").isEqualTo("0.95");
        assertThat(CheckpointSampling.resolve(r, GenerationDefaults.NONE))
                .as("resolving twice changes nothing")
                .isEqualTo(r);
    }

    @Test
    void withoutCheckpointValuesTheFallbacksApply() {
        SsbConfig allAuto =
                SsbConfig.defaults()
                        .with(SsbProperties.ROLLOUT_TEMPERATURE, "auto")
                        .with(SsbProperties.ROLLOUT_TOP_K, "auto")
                        .with(SsbProperties.TEACHER_TEMPERATURE, "auto");
        SsbConfig r = CheckpointSampling.resolve(allAuto, GenerationDefaults.NONE);
        assertThat(SampleSettings.rollout(r).decoding())
                .isEqualTo(new Decoding(0.8f, 50, 1f, 512, 1f));
        assertThat(r.string(SsbProperties.TEACHER_TEMPERATURE)).isEqualTo("0.4");
        // the embedded toy model's generation_config.json has ids only
        assertThat(CheckpointSampling.read(ModelWorker.EMBEDDED, new Configuration()))
                .isEqualTo(GenerationDefaults.NONE);
    }

    @Test
    void readsTheCheckpointThroughHadoopAndItsValuesEnterTheHash() throws Exception {
        Path gen = dir.resolve("generation_config.json");
        Files.writeString(
                gen,
                "{\"do_sample\": true, \"temperature\": 0.7, \"top_k\": 20, \"top_p\": 0.8,"
                        + " \"repetition_penalty\": 1.05, \"eos_token_id\": [1, 2]}");
        SsbConfig config = SsbConfig.defaults().with(SsbProperties.MODEL_CHECKPOINT, dir);
        SsbConfig first = CheckpointSampling.resolve(config, new Configuration());
        assertThat(first.string(SsbProperties.ROLLOUT_TOP_P)).isEqualTo("0.8");
        assertThat(first.string(SsbProperties.ROLLOUT_REPETITION_PENALTY)).isEqualTo("1.05");

        Files.writeString(gen, "{\"top_p\": 0.9}");
        SsbConfig second = CheckpointSampling.resolve(config, new Configuration());
        assertThat(second.string(SsbProperties.ROLLOUT_TOP_P)).isEqualTo("0.9");
        assertThat(second.string(SsbProperties.ROLLOUT_REPETITION_PENALTY)).isEqualTo("1.0");
        assertThat(second.hash(List.of("rollout."))).isNotEqualTo(first.hash(List.of("rollout.")));
        assertThat(second.hash()).isNotEqualTo(first.hash());

        Files.delete(gen);
        assertThat(
                        CheckpointSampling.resolve(config, new Configuration())
                                .string(SsbProperties.ROLLOUT_TOP_P))
                .isEqualTo("1.0");
    }

    @Test
    void aBadGenerationConfigIsNamedAndAnUnresolvedKeyIsRefused() throws Exception {
        Files.writeString(dir.resolve("generation_config.json"), "{\"top_p\": 2}");
        SsbConfig config = SsbConfig.defaults().with(SsbProperties.MODEL_CHECKPOINT, dir);
        assertThatThrownBy(() -> CheckpointSampling.resolve(config, new Configuration()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("generation_config.json")
                .hasMessageContaining("top_p");
        assertThatThrownBy(() -> SampleSettings.rollout(SsbConfig.defaults()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rollout.top_p");
        assertThatThrownBy(() -> SsbConfig.defaults().with(SsbProperties.ROLLOUT_SAMPLES, "auto"))
                .hasMessageContaining("Invalid rollout.samples: auto");
    }
}
