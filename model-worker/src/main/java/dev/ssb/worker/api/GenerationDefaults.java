package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The sampling settings a checkpoint ships in its {@code generation_config.json} (e.g.
 * Qwen2.5-Instruct: temperature 0.7, top_k 20, top_p 0.8, repetition_penalty 1.05); each is empty
 * when the file does not set it.
 */
public record GenerationDefaults(
        OptionalDouble temperature,
        OptionalInt topK,
        OptionalDouble topP,
        OptionalDouble repetitionPenalty) {

    /** A checkpoint without sampling settings. */
    public static final GenerationDefaults NONE =
            new GenerationDefaults(
                    OptionalDouble.empty(),
                    OptionalInt.empty(),
                    OptionalDouble.empty(),
                    OptionalDouble.empty());

    public GenerationDefaults {
        requireNonNull(temperature, "temperature is null");
        requireNonNull(topK, "topK is null");
        requireNonNull(topP, "topP is null");
        requireNonNull(repetitionPenalty, "repetitionPenalty is null");
    }

    /**
     * {@code fallback} with every value this checkpoint sets replacing the fallback's (the max new
     * tokens always come from {@code fallback}). Callers pass the run configuration's values only
     * for keys the user left unset: explicitly set keys win.
     */
    public SamplingParams over(SamplingParams fallback) {
        requireNonNull(fallback, "fallback is null");
        return new SamplingParams(
                (float) temperature.orElse(fallback.temperature()),
                topK.orElse(fallback.topK()),
                (float) topP.orElse(fallback.topP()),
                fallback.maxNewTokens(),
                (float) repetitionPenalty.orElse(fallback.repetitionPenalty()));
    }
}
