package dev.ssb.worker.api;

/**
 * How to pick each next token.
 *
 * @param temperature 0 for greedy, else &gt; 0
 * @param topK keep the k most likely tokens; 0 = no limit
 * @param topP nucleus mass in (0, 1]
 * @param maxNewTokens generation budget per sequence, &gt; 0
 */
public record SamplingParams(float temperature, int topK, float topP, int maxNewTokens) {

    public SamplingParams {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException(
                    "Invalid temperature: " + temperature + " (must be >= 0)");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("Invalid top_k: " + topK + " (must be >= 0)");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("Invalid top_p: " + topP + " (must be in (0, 1])");
        }
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException(
                    "Invalid max_new_tokens: " + maxNewTokens + " (must be > 0)");
        }
    }

    public static SamplingParams greedy(int maxNewTokens) {
        return new SamplingParams(0f, 0, 1f, maxNewTokens);
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }

    public SamplingParams withTemperature(float value) {
        return new SamplingParams(value, topK, topP, maxNewTokens);
    }

    public SamplingParams withMaxNewTokens(int value) {
        return new SamplingParams(temperature, topK, topP, value);
    }
}
