package dev.ssb.stage;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.ConfigKey;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.worker.api.GenerationDefaults;
import dev.ssb.worker.api.ModelWorker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces every sampling key left at {@link ConfigKey#AUTO} with the checkpoint's {@code
 * generation_config.json} value, else the project's fallback, on the driver before a stage runs.
 * Explicitly set keys (any properties file or {@code --set}) are never touched. The result holds
 * only numbers, so the config and stage hashes cover the values actually used (a changed
 * generation_config.json changes them: the checkpoint's name alone would not) and every manifest's
 * {@code config} records them.
 */
public final class CheckpointSampling {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointSampling.class);

    /** One auto key: which checkpoint value it takes, and the fallback when there is none. */
    private record Slot(
            String key,
            Function<GenerationDefaults, OptionalDouble> fromCheckpoint,
            double fallback) {}

    private static final Function<GenerationDefaults, OptionalDouble> TEMPERATURE =
            GenerationDefaults::temperature;
    private static final Function<GenerationDefaults, OptionalDouble> TOP_K =
            g ->
                    g.topK().isPresent()
                            ? OptionalDouble.of(g.topK().getAsInt())
                            : OptionalDouble.empty();
    private static final Function<GenerationDefaults, OptionalDouble> TOP_P =
            GenerationDefaults::topP;
    private static final Function<GenerationDefaults, OptionalDouble> PENALTY =
            GenerationDefaults::repetitionPenalty;

    private static final List<Slot> SLOTS =
            List.of(
                    new Slot(
                            SsbProperties.ROLLOUT_TEMPERATURE,
                            TEMPERATURE,
                            SsbProperties.ROLLOUT_TEMPERATURE_DEFAULT),
                    new Slot(
                            SsbProperties.ROLLOUT_TOP_K,
                            TOP_K,
                            SsbProperties.ROLLOUT_TOP_K_DEFAULT),
                    new Slot(
                            SsbProperties.ROLLOUT_TOP_P,
                            TOP_P,
                            SsbProperties.ROLLOUT_TOP_P_DEFAULT),
                    new Slot(
                            SsbProperties.ROLLOUT_REPETITION_PENALTY,
                            PENALTY,
                            SsbProperties.ROLLOUT_REPETITION_PENALTY_DEFAULT),
                    new Slot(
                            SsbProperties.TEACHER_TEMPERATURE,
                            TEMPERATURE,
                            SsbProperties.TEACHER_TEMPERATURE_DEFAULT),
                    new Slot(
                            SsbProperties.EVAL_TEMPERATURE,
                            TEMPERATURE,
                            SsbProperties.EVAL_TEMPERATURE_DEFAULT),
                    new Slot(SsbProperties.EVAL_TOP_K, TOP_K, SsbProperties.EVAL_TOP_K_DEFAULT),
                    new Slot(SsbProperties.EVAL_TOP_P, TOP_P, SsbProperties.EVAL_TOP_P_DEFAULT),
                    new Slot(
                            SsbProperties.EVAL_REPETITION_PENALTY,
                            PENALTY,
                            SsbProperties.EVAL_REPETITION_PENALTY_DEFAULT));

    private CheckpointSampling() {}

    /**
     * {@code config} with its auto sampling keys resolved against {@code model.checkpoint} (read
     * through Hadoop only when a key is auto).
     */
    public static SsbConfig resolve(SsbConfig config, Configuration hadoop) {
        requireNonNull(config, "config is null");
        requireNonNull(hadoop, "hadoop is null");
        if (SLOTS.stream().noneMatch(s -> isAuto(config, s.key()))) {
            return config;
        }
        String checkpoint = config.string(SsbProperties.MODEL_CHECKPOINT);
        return resolve(config, read(checkpoint, hadoop));
    }

    /** {@code config} with its auto sampling keys taken from {@code checkpoint}, else fallbacks. */
    public static SsbConfig resolve(SsbConfig config, GenerationDefaults checkpoint) {
        requireNonNull(checkpoint, "checkpoint is null");
        SsbConfig resolved = config;
        StringBuilder log = new StringBuilder();
        for (Slot slot : SLOTS) {
            if (!isAuto(config, slot.key())) {
                continue;
            }
            OptionalDouble own = slot.fromCheckpoint().apply(checkpoint);
            double value = own.orElse(slot.fallback());
            boolean integral = SsbProperties.all().get(slot.key()).type() == ConfigKey.Type.INT;
            resolved = resolved.with(slot.key(), integral ? Long.toString((long) value) : value);
            log.append(' ')
                    .append(slot.key())
                    .append('=')
                    .append(resolved.string(slot.key()))
                    .append(own.isPresent() ? " (generation_config.json)" : " (fallback)");
        }
        LOG.info("Sampling keys left at auto:{}", log);
        return resolved;
    }

    /**
     * The sampling settings of {@code checkpoint}: the runtime's own for the embedded model, else
     * its {@code generation_config.json} read through Hadoop ({@link GenerationDefaults#NONE} when
     * absent).
     *
     * @throws IllegalArgumentException naming the file and key of an invalid value
     */
    public static GenerationDefaults read(String checkpoint, Configuration hadoop) {
        var builtIn = ModelWorker.builtInGenerationDefaults(checkpoint);
        if (builtIn.isPresent()) {
            return builtIn.get();
        }
        Path file = new Path(checkpoint, "generation_config.json");
        try {
            FileSystem fs = file.getFileSystem(hadoop);
            if (!fs.exists(file)) {
                return GenerationDefaults.NONE;
            }
            try (InputStream in = fs.open(file)) {
                String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return ModelWorker.generationDefaults(json, checkpoint);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    /** Whether {@code key} is still {@link ConfigKey#AUTO}. */
    static boolean isAuto(SsbConfig config, String key) {
        return ConfigKey.AUTO.equals(config.string(key));
    }

    /**
     * A resolved numeric sampling key.
     *
     * @throws IllegalStateException when the key is still auto (the caller skipped {@link
     *     #resolve})
     */
    public static double number(SsbConfig config, String key) {
        if (isAuto(config, key)) {
            throw new IllegalStateException(
                    "Cannot read "
                            + key
                            + ": it is auto, which CheckpointSampling.resolve replaces with the"
                            + " checkpoint's value before a stage runs");
        }
        return config.doubleValue(key);
    }
}
