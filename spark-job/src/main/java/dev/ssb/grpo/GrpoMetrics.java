package dev.ssb.grpo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.OptionalDouble;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One row of {@code grpo_metrics}: what one GRPO step sampled and did. Per-token values are means
 * over the reply tokens of the step's batch; with μ > 1 the loss, KL, entropy, clip fraction and
 * gradient norm are means over the step's μ updates.
 *
 * @param step 1-based sampling step
 * @param rewardMean mean reward of the step's replies
 * @param accuracy fraction of replies verified correct
 * @param zeroSignalFraction fraction of groups whose rewards were all equal
 * @param replyLen mean reply length, in tokens
 * @param kl mean per-token KL estimate to the base model (empty when β = 0: not computed)
 * @param entropy mean per-token entropy of the policy (nats)
 * @param clipFraction fraction of tokens whose ratio was clipped
 * @param loss mean per-token loss (surrogate + β·KL)
 * @param gradNorm global L2 norm of the mean gradient, before clipping
 * @param lr learning rate of the step's (last) update
 * @param tokens reply tokens of the batch
 * @param samples replies of the batch (groups × G)
 * @param skippedProblems problems of the batch whose prompt did not fit (no replies)
 * @param workers gradient shards per update
 * @param rolloutMs wall time of sampling and scoring
 * @param stepMs wall time of the step
 */
public record GrpoMetrics(
        int step,
        double rewardMean,
        double accuracy,
        double zeroSignalFraction,
        double replyLen,
        OptionalDouble kl,
        double entropy,
        double clipFraction,
        double loss,
        double gradNorm,
        double lr,
        long tokens,
        int samples,
        int skippedProblems,
        int workers,
        long rolloutMs,
        long stepMs) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final StructType SCHEMA =
            new StructType()
                    .add("step", DataTypes.IntegerType, false)
                    .add("reward_mean", DataTypes.DoubleType, false)
                    .add("accuracy", DataTypes.DoubleType, false)
                    .add("zero_signal_fraction", DataTypes.DoubleType, false)
                    .add("reply_len", DataTypes.DoubleType, false)
                    .add("kl", DataTypes.DoubleType, true)
                    .add("entropy", DataTypes.DoubleType, false)
                    .add("clip_fraction", DataTypes.DoubleType, false)
                    .add("loss", DataTypes.DoubleType, false)
                    .add("grad_norm", DataTypes.DoubleType, false)
                    .add("lr", DataTypes.DoubleType, false)
                    .add("tokens", DataTypes.LongType, false)
                    .add("samples", DataTypes.IntegerType, false)
                    .add("skipped_problems", DataTypes.IntegerType, false)
                    .add("workers", DataTypes.IntegerType, false)
                    .add("rollout_ms", DataTypes.LongType, false)
                    .add("step_ms", DataTypes.LongType, false)
                    .add("run_id", DataTypes.StringType, false)
                    .add("config_hash", DataTypes.StringType, false);

    public GrpoMetrics {
        if (step < 1) {
            throw new IllegalArgumentException("Invalid step: " + step + " (must be >= 1)");
        }
        java.util.Objects.requireNonNull(kl, "kl is null");
    }

    Row toRow(String runId, String configHash) {
        return RowFactory.create(
                step,
                rewardMean,
                accuracy,
                zeroSignalFraction,
                replyLen,
                kl.isPresent() ? kl.getAsDouble() : null,
                entropy,
                clipFraction,
                loss,
                gradNorm,
                lr,
                tokens,
                samples,
                skippedProblems,
                workers,
                rolloutMs,
                stepMs,
                runId,
                configHash);
    }

    /** One JSON line, for the checkpoint's metrics history. */
    String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("step", step);
        n.put("reward_mean", rewardMean);
        n.put("accuracy", accuracy);
        n.put("zero_signal_fraction", zeroSignalFraction);
        n.put("reply_len", replyLen);
        if (kl.isPresent()) {
            n.put("kl", kl.getAsDouble());
        } else {
            n.putNull("kl");
        }
        n.put("entropy", entropy);
        n.put("clip_fraction", clipFraction);
        n.put("loss", loss);
        n.put("grad_norm", gradNorm);
        n.put("lr", lr);
        n.put("tokens", tokens);
        n.put("samples", samples);
        n.put("skipped_problems", skippedProblems);
        n.put("workers", workers);
        n.put("rollout_ms", rolloutMs);
        n.put("step_ms", stepMs);
        return n.toString();
    }

    static GrpoMetrics fromJson(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            JsonNode kl = n.get("kl");
            return new GrpoMetrics(
                    n.get("step").asInt(),
                    n.get("reward_mean").asDouble(),
                    n.get("accuracy").asDouble(),
                    n.get("zero_signal_fraction").asDouble(),
                    n.get("reply_len").asDouble(),
                    kl == null || kl.isNull()
                            ? OptionalDouble.empty()
                            : OptionalDouble.of(kl.asDouble()),
                    n.get("entropy").asDouble(),
                    n.get("clip_fraction").asDouble(),
                    n.get("loss").asDouble(),
                    n.get("grad_norm").asDouble(),
                    n.get("lr").asDouble(),
                    n.get("tokens").asLong(),
                    n.get("samples").asInt(),
                    n.get("skipped_problems").asInt(),
                    n.get("workers").asInt(),
                    n.get("rollout_ms").asLong(),
                    n.get("step_ms").asLong());
        } catch (IOException | NullPointerException e) {
            throw new IllegalArgumentException("Invalid metrics line: " + line, e);
        }
    }
}
