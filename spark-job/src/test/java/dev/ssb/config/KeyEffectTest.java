package dev.ssb.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every configuration key says whether it changes results, and only result keys enter the hashes. A
 * key added without {@code .result()} or {@code .operational()} fails {@link SsbProperties}'s class
 * initialisation and so every test here; a new operational key must also be added below, so that
 * making a key operational (invisible to every hash) is a reviewed decision.
 */
class KeyEffectTest {

    /**
     * The keys that never change a row: batch sizes and token bounds, partitions, location,
     * cadence, and the base model's name that an adapter records as its {@code
     * base_model_name_or_path} (a label).
     */
    static final List<String> OPERATIONAL =
            List.of(
                    SsbProperties.DATA_PARTITIONS,
                    SsbProperties.MODEL_NAME,
                    SsbProperties.MODEL_BATCH_TOKENS,
                    SsbProperties.ROLLOUT_BATCH_SIZE,
                    SsbProperties.TEACHER_BATCH_SIZE,
                    SsbProperties.LOGITS_BATCH_SIZE,
                    SsbProperties.OUT,
                    SsbProperties.RUN_ID,
                    SsbProperties.DISTILL_CHECKPOINT_EVERY,
                    SsbProperties.DISTILL_WORKERS,
                    SsbProperties.DISTILL_KEEP_CHECKPOINTS,
                    SsbProperties.DISTILL_LOG_EVERY,
                    SsbProperties.EVAL_BATCH_SIZE,
                    SsbProperties.EVAL_TAG);

    @Test
    void everyKeyIsDeclaredResultOrOperational() {
        Map<ConfigKey.Effect, List<String>> byEffect =
                SsbProperties.all().values().stream()
                        .collect(
                                Collectors.groupingBy(
                                        ConfigKey::effect,
                                        Collectors.mapping(ConfigKey::name, Collectors.toList())));
        assertThat(byEffect).doesNotContainKey(ConfigKey.Effect.UNDECLARED);
        assertThat(byEffect.get(ConfigKey.Effect.OPERATIONAL))
                .containsExactlyInAnyOrderElementsOf(OPERATIONAL);
        assertThat(byEffect.get(ConfigKey.Effect.RESULT))
                .contains(
                        SsbProperties.SEED,
                        SsbProperties.MODEL_CHECKPOINT,
                        SsbProperties.ROLLOUT_SAMPLES,
                        SsbProperties.DISTILL_BATCH_SIZE,
                        SsbProperties.PROMPTS_TEACHER)
                .hasSize(SsbProperties.all().size() - OPERATIONAL.size());
    }

    @Test
    void anUndeclaredKeyIsRefused() {
        ConfigKey undeclared = ConfigKey.integer("x.y", 1, 0, "doc");
        assertThat(undeclared.effect()).isEqualTo(ConfigKey.Effect.UNDECLARED);
        assertThat(undeclared.changesResults()).isFalse();
        assertThat(undeclared.result().changesResults()).isTrue();
        assertThat(undeclared.operational().changesResults()).isFalse();
    }

    @Test
    void operationalKeysLeaveEveryHashAlone() {
        SsbConfig base = SsbConfig.defaults();
        List<String> everything = List.of("");
        for (String key : OPERATIONAL) {
            ConfigKey k = SsbProperties.all().get(key);
            String other =
                    switch (k.type()) {
                        case INT -> Integer.toString(Integer.parseInt(k.defaultValue()) + 3);
                        default -> "elsewhere";
                    };
            SsbConfig changed = base.with(key, other);
            assertThat(changed.string(key)).isNotEqualTo(base.string(key));
            assertThat(changed.hash()).as(key).isEqualTo(base.hash());
            assertThat(changed.hash(everything)).as(key).isEqualTo(base.hash(everything));
        }
    }

    @Test
    void everyResultKeyChangesTheHash() {
        for (ConfigKey k : SsbProperties.all().values()) {
            if (!k.changesResults()) {
                continue;
            }
            // float16 needs a gpu: compare on a gpu configuration
            SsbConfig base = SsbConfig.defaults().with(SsbProperties.MODEL_DEVICE, "gpu");
            String other =
                    switch (k.type()) {
                        case INT, LONG -> Long.toString(Long.parseLong(k.defaultValue()) + 1);
                        case DOUBLE -> {
                            if (k.defaultValue().equals(ConfigKey.AUTO)) {
                                yield "0.5"; // a set value instead of the checkpoint's
                            }
                            double d = Double.parseDouble(k.defaultValue());
                            yield Double.toString(d == 0 ? 1 : d / 2);
                        }
                        case ENUM ->
                                k.choices().stream()
                                        .filter(c -> !c.equals(base.string(k.name())))
                                        .findFirst()
                                        .orElseThrow();
                        case STRING -> k.defaultValue() + "x";
                    };
            SsbConfig changed = base.with(k.name(), other);
            assertThat(changed.hash()).as(k.name()).isNotEqualTo(base.hash());
        }
    }
}
