package dev.ssb.stage;

import dev.ssb.config.SsbConfig;
import dev.ssb.worker.api.SamplingParams;
import java.io.Serializable;

/**
 * A sampler's settings in a form that travels with a task closure ({@link SamplingParams} is not
 * serializable); validated when built.
 *
 * @param temperature 0 = greedy
 * @param topK top-k (0 = off)
 * @param topP nucleus mass
 * @param maxNewTokens token budget per sequence
 * @param repetitionPenalty Hugging Face's repetition penalty (1 = off)
 */
public record Decoding(
        float temperature, int topK, float topP, int maxNewTokens, float repetitionPenalty)
        implements Serializable {

    /** Settings without repetition penalty. */
    public Decoding(float temperature, int topK, float topP, int maxNewTokens) {
        this(temperature, topK, topP, maxNewTokens, 1f);
    }

    public Decoding {
        params(temperature, topK, topP, maxNewTokens, repetitionPenalty); // validated on the driver
    }

    /**
     * The sampler of resolved keys ({@link CheckpointSampling#resolve}): {@code temperature} and
     * {@code max_new_tokens} under {@code prefix}, {@code top_k}, {@code top_p} and {@code
     * repetition_penalty} under {@code samplerPrefix} (the teacher samples with rollout's).
     */
    public static Decoding from(SsbConfig config, String prefix, String samplerPrefix) {
        return new Decoding(
                (float) CheckpointSampling.number(config, prefix + "temperature"),
                (int) CheckpointSampling.number(config, samplerPrefix + "top_k"),
                (float) CheckpointSampling.number(config, samplerPrefix + "top_p"),
                config.intValue(prefix + "max_new_tokens"),
                (float) CheckpointSampling.number(config, samplerPrefix + "repetition_penalty"));
    }

    public SamplingParams params() {
        return params(temperature, topK, topP, maxNewTokens, repetitionPenalty);
    }

    private static SamplingParams params(
            float temperature, int topK, float topP, int maxNewTokens, float repetitionPenalty) {
        return new SamplingParams(temperature, topK, topP, maxNewTokens, repetitionPenalty);
    }
}
