package dev.ssb.distill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One row of {@code train_metrics}: what one optimizer step saw and did. Losses are per reply token
 * of the global batch.
 *
 * @param step 1-based update number
 * @param epoch 0-based epoch of the step's batch
 * @param loss {@code λ_KD · lossKd + λ_CE · lossCe}
 * @param lossKd mean over tokens of T²·KL(teacher ‖ student)
 * @param lossCe mean over tokens of the reply cross-entropy
 * @param gradNorm global L2 norm of the mean gradient, before clipping
 * @param lr learning rate of the update
 * @param tokens reply tokens in the batch
 * @param examples examples in the batch
 * @param replyLen mean reply length of the batch, in tokens
 * @param workers gradient shards (tasks) the batch was split into
 * @param stepMs wall time of the step on the driver
 * @param driverBytes bytes through the driver for the step: the broadcast state (the adapter, or
 *     for local SGD the adapter and both moments, counted once) plus the task results it received
 *     (Spark's {@code resultSize}); a local-SGD round's total divided among its steps
 */
public record StepMetrics(
        int step,
        int epoch,
        double loss,
        double lossKd,
        double lossCe,
        double gradNorm,
        double lr,
        long tokens,
        int examples,
        double replyLen,
        int workers,
        long stepMs,
        long driverBytes) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final StructType SCHEMA =
            new StructType()
                    .add("step", DataTypes.IntegerType, false)
                    .add("epoch", DataTypes.IntegerType, false)
                    .add("loss", DataTypes.DoubleType, false)
                    .add("loss_kd", DataTypes.DoubleType, false)
                    .add("loss_ce", DataTypes.DoubleType, false)
                    .add("grad_norm", DataTypes.DoubleType, false)
                    .add("lr", DataTypes.DoubleType, false)
                    .add("tokens", DataTypes.LongType, false)
                    .add("examples", DataTypes.IntegerType, false)
                    .add("reply_len", DataTypes.DoubleType, false)
                    .add("workers", DataTypes.IntegerType, false)
                    .add("step_ms", DataTypes.LongType, false)
                    .add("driver_bytes", DataTypes.LongType, false)
                    .add("run_id", DataTypes.StringType, false)
                    .add("config_hash", DataTypes.StringType, false);

    public StepMetrics {
        if (step < 1) {
            throw new IllegalArgumentException("Invalid step: " + step + " (must be >= 1)");
        }
        if (tokens < 1 || examples < 1) {
            throw new IllegalArgumentException(
                    "Invalid step " + step + ": " + tokens + " tokens, " + examples + " examples");
        }
    }

    Row toRow(String runId, String configHash) {
        return RowFactory.create(
                step,
                epoch,
                loss,
                lossKd,
                lossCe,
                gradNorm,
                lr,
                tokens,
                examples,
                replyLen,
                workers,
                stepMs,
                driverBytes,
                runId,
                configHash);
    }

    /** One JSON line, for the checkpoint's metrics history. */
    String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("step", step);
        n.put("epoch", epoch);
        n.put("loss", loss);
        n.put("loss_kd", lossKd);
        n.put("loss_ce", lossCe);
        n.put("grad_norm", gradNorm);
        n.put("lr", lr);
        n.put("tokens", tokens);
        n.put("examples", examples);
        n.put("reply_len", replyLen);
        n.put("workers", workers);
        n.put("step_ms", stepMs);
        n.put("driver_bytes", driverBytes);
        return n.toString();
    }

    static StepMetrics fromJson(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            return new StepMetrics(
                    n.get("step").asInt(),
                    n.get("epoch").asInt(),
                    n.get("loss").asDouble(),
                    n.get("loss_kd").asDouble(),
                    n.get("loss_ce").asDouble(),
                    n.get("grad_norm").asDouble(),
                    n.get("lr").asDouble(),
                    n.get("tokens").asLong(),
                    n.get("examples").asInt(),
                    n.get("reply_len").asDouble(),
                    n.get("workers").asInt(),
                    n.get("step_ms").asLong(),
                    n.path("driver_bytes").asLong(0)); // absent in older checkpoints
        } catch (IOException | NullPointerException e) {
            throw new IllegalArgumentException("Invalid metrics line: " + line, e);
        }
    }
}
