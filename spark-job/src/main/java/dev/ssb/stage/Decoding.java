package dev.ssb.stage;

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
 */
public record Decoding(float temperature, int topK, float topP, int maxNewTokens)
        implements Serializable {

    public Decoding {
        new SamplingParams(temperature, topK, topP, maxNewTokens); // validated on the driver
    }

    public SamplingParams params() {
        return new SamplingParams(temperature, topK, topP, maxNewTokens);
    }
}
