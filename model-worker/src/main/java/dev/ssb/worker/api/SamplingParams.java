package dev.ssb.worker.api;

/**
 * How to pick each next token.
 *
 * @param temperature 0 for greedy, else &gt; 0
 * @param topK keep the k most likely tokens; 0 = no limit
 * @param topP nucleus mass in (0, 1]
 * @param maxNewTokens generation budget per sequence, &gt; 0
 * @param repetitionPenalty Hugging Face's repetition penalty, &gt; 0 (1 = off): before any other
 *     step, the logit of every id already in the prompt or the reply is divided by it when positive
 *     and multiplied by it when negative
 */
public record SamplingParams(
        float temperature, int topK, float topP, int maxNewTokens, float repetitionPenalty) {

    /** Parameters without repetition penalty. */
    public SamplingParams(float temperature, int topK, float topP, int maxNewTokens) {
        this(temperature, topK, topP, maxNewTokens, 1f);
    }

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
        if (!(repetitionPenalty > 0) || Float.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException(
                    "Invalid repetition_penalty: " + repetitionPenalty + " (must be > 0)");
        }
    }

    public static SamplingParams greedy(int maxNewTokens) {
        return new SamplingParams(0f, 0, 1f, maxNewTokens);
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }

    /** Whether a repetition penalty applies (it is not 1). */
    public boolean penalizesRepetition() {
        return repetitionPenalty != 1f;
    }

    public SamplingParams withTemperature(float value) {
        return new SamplingParams(value, topK, topP, maxNewTokens, repetitionPenalty);
    }

    public SamplingParams withMaxNewTokens(int value) {
        return new SamplingParams(temperature, topK, topP, value, repetitionPenalty);
    }

    public SamplingParams withRepetitionPenalty(float value) {
        return new SamplingParams(temperature, topK, topP, maxNewTokens, value);
    }
}
