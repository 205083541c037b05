package dev.ssb.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigResolverTest {

    @TempDir Path dir;

    private String confFile(String text) throws Exception {
        Path file = dir.resolve("run.properties");
        Files.writeString(file, text);
        return file.toString();
    }

    @Test
    void defaultsAreThePaperSettings() {
        SsbConfig config = ConfigResolver.resolve(Optional.empty(), Map.of());
        assertThat(config.intValue(SsbProperties.ROLLOUT_SAMPLES)).isEqualTo(4);
        assertThat(config.doubleValue(SsbProperties.ROLLOUT_TEMPERATURE)).isEqualTo(0.8);
        assertThat(config.intValue(SsbProperties.ROLLOUT_TOP_K)).isEqualTo(50);
        assertThat(config.intValue(SsbProperties.LOGITS_TOP_K)).isEqualTo(20);
        assertThat(config.doubleValue(SsbProperties.TEACHER_TEMPERATURE)).isEqualTo(0.4);
        // the paper took top-p and repetition penalty from the checkpoint's generation config
        assertThat(config.string(SsbProperties.ROLLOUT_TOP_P)).isEqualTo("auto");
        assertThat(config.string(SsbProperties.EVAL_REPETITION_PENALTY)).isEqualTo("auto");
        assertThat(config.string(SsbProperties.MODEL_CHECKPOINT)).isEqualTo("embedded:toy");
        assertThat(config.doubleValue(SsbProperties.DISTILL_LR)).isEqualTo(2e-4);
    }

    @Test
    void commandLineOverridesFileWhichOverridesDefaults() throws Exception {
        String file = confFile("rollout.samples=8\nrollout.temperature=0.5\n");
        SsbConfig config =
                ConfigResolver.resolve(Optional.of(file), Map.of("rollout.temperature", "0.3"));
        assertThat(config.intValue(SsbProperties.ROLLOUT_SAMPLES)).isEqualTo(8);
        assertThat(config.doubleValue(SsbProperties.ROLLOUT_TEMPERATURE)).isEqualTo(0.3);
        assertThat(config.intValue(SsbProperties.ROLLOUT_TOP_K)).isEqualTo(50);
        assertThat(config.string(SsbProperties.ROLLOUT_TOP_P)).isEqualTo(ConfigKey.AUTO);
    }

    @Test
    void commandDefaultsSitAboveShippedDefaultsAndBelowFileAndCommandLine() throws Exception {
        Map<String, String> demo = Map.of("distill.lr", "1e-3", "distill.epochs", "5");
        SsbConfig plain = ConfigResolver.resolve(Optional.empty(), demo, Map.of());
        assertThat(plain.doubleValue(SsbProperties.DISTILL_LR)).isEqualTo(1e-3);
        assertThat(plain.intValue(SsbProperties.DISTILL_EPOCHS)).isEqualTo(5);
        String file = confFile("distill.lr=5e-4\n");
        SsbConfig config =
                ConfigResolver.resolve(Optional.of(file), demo, Map.of("distill.epochs", "2"));
        assertThat(config.doubleValue(SsbProperties.DISTILL_LR)).isEqualTo(5e-4);
        assertThat(config.intValue(SsbProperties.DISTILL_EPOCHS)).isEqualTo(2);
        assertThatThrownBy(
                        () ->
                                ConfigResolver.resolve(
                                        Optional.empty(), Map.of("distil.lr", "1"), Map.of()))
                .hasMessageContaining("[from command defaults]");
    }

    @Test
    void rejectsUnknownKeyInFileWithSuggestion() throws Exception {
        String file = confFile("rollout.temprature=0.5\n");
        assertThatThrownBy(() -> ConfigResolver.resolve(Optional.of(file), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "Unknown configuration key: rollout.temprature"
                                + " (did you mean rollout.temperature?)")
                .hasMessageContaining(file);
    }

    @Test
    void rejectsUnknownKeyOnCommandLineWithoutWildGuess() {
        assertThatThrownBy(() -> ConfigResolver.resolve(Optional.empty(), Map.of("zzzz", "1")))
                .hasMessageStartingWith("Unknown configuration key: zzzz (all keys are listed in");
    }

    @Test
    void rejectsOutOfRangeValuesNamingTheKey() {
        assertThatThrownBy(() -> resolve("rollout.temperature", "-1"))
                .hasMessage("Invalid rollout.temperature: -1 (must be >= 0)");
        assertThatThrownBy(() -> resolve("rollout.top_p", "1.5"))
                .hasMessage("Invalid rollout.top_p: 1.5 (must be in (0, 1])");
        assertThatThrownBy(() -> resolve("rollout.top_p", "0"))
                .hasMessage("Invalid rollout.top_p: 0 (must be in (0, 1])");
        assertThatThrownBy(() -> resolve("rollout.samples", "0"))
                .hasMessage("Invalid rollout.samples: 0 (must be >= 1)");
        assertThatThrownBy(() -> resolve("rollout.samples", "four"))
                .hasMessage("Invalid rollout.samples: four (must be an integer)");
        assertThatThrownBy(() -> resolve("data.format", "csv"))
                .hasMessage("Invalid data.format: csv (must be one of auto|gsm8k|math|aime)");
        assertThatThrownBy(() -> resolve("logits.temperature", "0"))
                .hasMessage("Invalid logits.temperature: 0 (must be > 0)");
    }

    @Test
    void rejectsFloat16OnCpu() {
        assertThatThrownBy(() -> resolve("model.dtype", "float16"))
                .hasMessageContaining("Invalid model.dtype: float16");
        SsbConfig gpu =
                ConfigResolver.resolve(
                        Optional.empty(), Map.of("model.dtype", "FLOAT16", "model.device", "gpu"));
        assertThat(gpu.string(SsbProperties.MODEL_DTYPE)).isEqualTo("float16");
    }

    @Test
    void rejectsMissingConfFile() {
        String missing = dir.resolve("nope.properties").toString();
        assertThatThrownBy(() -> ConfigResolver.resolve(Optional.of(missing), Map.of()))
                .hasMessageContaining("Cannot read configuration " + missing);
    }

    @Test
    void hashIsCanonicalAndIgnoresWhereTheRunIsStored() {
        SsbConfig a = resolve("rollout.temperature", "0.8");
        SsbConfig b = resolve("rollout.temperature", " 0.80 ");
        assertThat(a.hash()).isEqualTo(b.hash()).hasSize(64);
        assertThat(a.with(SsbProperties.RUN_ID, "other").with(SsbProperties.OUT, "/x").hash())
                .isEqualTo(a.hash());
        assertThat(a.with(SsbProperties.ROLLOUT_TEMPERATURE, 0.7).hash()).isNotEqualTo(a.hash());
    }

    @Test
    void stageHashDependsOnlyOnItsKeys() {
        SsbConfig a = SsbConfig.defaults();
        SsbConfig b = a.with(SsbProperties.DISTILL_LR, 1e-3);
        assertThat(b.hash(List.of("data."))).isEqualTo(a.hash(List.of("data.")));
        assertThat(b.hash()).isNotEqualTo(a.hash());
        assertThat(a.with(SsbProperties.DATA_LIMIT, 5).hash(List.of("data.")))
                .isNotEqualTo(a.hash(List.of("data.")));
    }

    @Test
    void shippedDefaultsFileNamesEveryKey() throws Exception {
        try (InputStream in =
                        getClass()
                                .getClassLoader()
                                .getResourceAsStream(ConfigResolver.DEFAULTS_FILE);
                Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            Map<String, String> shipped = ConfigResolver.parse(r);
            assertThat(shipped.keySet())
                    .containsExactlyInAnyOrderElementsOf(SsbProperties.all().keySet());
            for (Map.Entry<String, String> e : shipped.entrySet()) {
                ConfigKey key = SsbProperties.all().get(e.getKey());
                assertThat(key.canonicalize(e.getValue()))
                        .as(e.getKey())
                        .isEqualTo(key.defaultValue());
            }
        }
    }

    private static SsbConfig resolve(String key, String value) {
        return ConfigResolver.resolve(Optional.empty(), Map.of(key, value));
    }
}
