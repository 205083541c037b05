package dev.ssb.grpo;

import static java.util.Objects.requireNonNull;

import dev.ssb.distill.ShardGradient;
import dev.ssb.worker.api.PolicyGradientResult;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A policy-gradient task's result in a serializable form: the gradient sums (distill's {@link
 * ShardGradient}, the summed policy loss in its {@code lossKdSum}) and the GRPO terms, all sums
 * over the shard's reply tokens, so shards add up ({@link #plus}) to the batch.
 *
 * @param gradient gradient and loss sums, tokens, examples
 * @param surrogateSum Σ clipped surrogate
 * @param klSum Σ KL estimate to the base
 * @param entropySum Σ entropy
 * @param clippedTokens tokens whose ratio was clipped
 * @param logProbs by sample index, the current policy's log-probs of its reply (only when asked:
 *     the old log-probs of the next passes over the batch)
 */
record PolicyShard(
        ShardGradient gradient,
        double surrogateSum,
        double klSum,
        double entropySum,
        long clippedTokens,
        Map<Integer, float[]> logProbs)
        implements Serializable {

    PolicyShard {
        requireNonNull(gradient, "gradient is null");
        logProbs = new TreeMap<>(requireNonNull(logProbs, "logProbs is null"));
    }

    static PolicyShard empty() {
        return new PolicyShard(ShardGradient.empty(), 0, 0, 0, 0, Map.of());
    }

    /**
     * A task's result over {@code samples}, in order; their log-probs kept when {@code
     * keepLogProbs}.
     */
    static PolicyShard of(PolicyGradientResult r, List<Sample> samples, boolean keepLogProbs) {
        Map<Integer, float[]> logProbs = new TreeMap<>();
        if (keepLogProbs) {
            for (int i = 0; i < samples.size(); i++) {
                logProbs.put(samples.get(i).index(), r.logProbs().get(i));
            }
        }
        return new PolicyShard(
                ShardGradient.of(r.gradients()),
                r.surrogateSum(),
                r.klSum(),
                r.entropySum(),
                r.clippedTokens(),
                logProbs);
    }

    PolicyShard plus(PolicyShard other) {
        Map<Integer, float[]> all = new TreeMap<>(logProbs);
        all.putAll(other.logProbs);
        return new PolicyShard(
                gradient.plus(other.gradient),
                surrogateSum + other.surrogateSum,
                klSum + other.klSum,
                entropySum + other.entropySum,
                clippedTokens + other.clippedTokens,
                all);
    }
}
