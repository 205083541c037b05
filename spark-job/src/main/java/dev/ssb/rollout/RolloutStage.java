package dev.ssb.rollout;

import dev.ssb.config.SsbProperties;
import dev.ssb.ingest.IngestStage;
import dev.ssb.stage.SampleSettings;
import dev.ssb.stage.StageRun;
import dev.ssb.table.Schemas;
import dev.ssb.table.StageOutput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The rollout stage: {@code problems} into {@code rollouts}, K sampled solutions per problem with
 * the extracted answer and a verdict. Rows depend only on the configuration and the problem, never
 * on partitioning, batching or the executor (except the {@code executor_id} and {@code gen_ms}
 * columns, which record where and how fast).
 */
public final class RolloutStage {

    public static final String NAME = "rollout";
    public static final String ROLLOUTS = "rollouts";

    /** The keys rollouts depend on. */
    public static final List<String> CONFIG_PREFIXES =
            List.of(
                    "data.",
                    "model.",
                    "rollout.",
                    SsbProperties.PROMPTS_SYSTEM,
                    SsbProperties.SEED);

    /** The columns rollout reads from {@code problems}. */
    public static final StructType INPUT_SCHEMA = Schemas.QUESTIONS;

    public static final StructType ROLLOUTS_SCHEMA =
            new StructType()
                    .add("problem_id", DataTypes.StringType, false)
                    .add("sample_idx", DataTypes.IntegerType, false)
                    .add("seed", DataTypes.LongType, false)
                    .add("completion", DataTypes.StringType, false)
                    .add(
                            "token_ids",
                            DataTypes.createArrayType(DataTypes.IntegerType, false),
                            false)
                    .add("num_tokens", DataTypes.IntegerType, false)
                    .add("finish_reason", DataTypes.StringType, false)
                    .add("extracted_answer", DataTypes.StringType, true)
                    .add("gold_answer", DataTypes.StringType, false)
                    .add("verdict", DataTypes.StringType, false)
                    .add("model_id", DataTypes.StringType, false)
                    .add("executor_id", DataTypes.StringType, false)
                    .add("gen_ms", DataTypes.LongType, false)
                    .add("run_id", DataTypes.StringType, false)
                    .add("config_hash", DataTypes.StringType, false);

    private RolloutStage() {}

    /** The stage as a function: problems (at least {@link #INPUT_SCHEMA}) into rollouts. */
    public static Dataset<Row> transform(Dataset<Row> problems, SampleSettings settings) {
        Schemas.require(NAME, problems, INPUT_SCHEMA);
        return problems.select("problem_id", "question", "gold_answer")
                .mapPartitions(
                        new RolloutPartition(settings).partition(), Encoders.row(ROLLOUTS_SCHEMA));
    }

    /** The stage's body (declared in {@code dev.ssb.pipeline.Stages}): problems into rollouts. */
    public static StageOutput.Result write(StageRun run, StageOutput out) {
        Dataset<Row> rollouts =
                transform(
                        run.readByProblem(IngestStage.PROBLEMS),
                        SampleSettings.rollout(run.config()));
        return run.writeTable(out, ROLLOUTS, rollouts, RolloutStage::counts, Map.of());
    }

    /** The counts of a {@code rollouts} table: problems, rollouts and each verdict. */
    public static Map<String, Long> counts(long rows, Dataset<Row> written) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("problems", written.select("problem_id").distinct().count());
        counts.put(ROLLOUTS, rows);
        for (Row r : written.groupBy("verdict").count().collectAsList()) {
            counts.put(r.getString(0).toLowerCase(Locale.ROOT), r.getLong(1));
        }
        return counts;
    }
}
