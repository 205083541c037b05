package dev.ssb.rollout;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.ingest.IngestStage;
import dev.ssb.spark.Partitions;
import dev.ssb.table.RunLayout;
import dev.ssb.table.Schemas;
import dev.ssb.table.StageOutput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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
    public static final StructType INPUT_SCHEMA =
            new StructType()
                    .add("problem_id", DataTypes.StringType)
                    .add("question", DataTypes.StringType)
                    .add("gold_answer", DataTypes.StringType);

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
    public static Dataset<Row> transform(Dataset<Row> problems, RolloutSettings settings) {
        Schemas.require(NAME, problems, INPUT_SCHEMA);
        return problems.select("problem_id", "question", "gold_answer")
                .mapPartitions(new RolloutPartition(settings), Encoders.row(ROLLOUTS_SCHEMA));
    }

    /** Runs rollout on the run's problems table unless complete (see {@link StageOutput}). */
    public static StageOutput.Outcome run(SparkSession spark, SsbConfig config, boolean force) {
        RunLayout layout = new RunLayout(config.out(), config.runId());
        var hadoop = spark.sparkContext().hadoopConfiguration();
        if (!layout.isComplete(IngestStage.PROBLEMS, hadoop)) {
            throw new IllegalStateException(
                    "Cannot run rollout: table problems of run "
                            + config.runId()
                            + " is not complete (run ssb ingest first)");
        }
        RolloutSettings settings = RolloutSettings.from(config);
        StageOutput output = new StageOutput(spark, layout, NAME, List.of(ROLLOUTS));
        return output.run(
                config,
                config.hash(CONFIG_PREFIXES),
                force,
                out -> {
                    String problemsPath = layout.tablePath(IngestStage.PROBLEMS).toString();
                    Dataset<Row> problems = spark.read().parquet(problemsPath);
                    problems =
                            Partitions.byProblem(
                                    problems, config.intValue(SsbProperties.DATA_PARTITIONS));
                    long rows = out.writeTable(ROLLOUTS, transform(problems, settings));
                    Dataset<Row> written =
                            spark.read().parquet(layout.tablePath(ROLLOUTS).toString());
                    Map<String, Long> counts = new LinkedHashMap<>();
                    counts.put("problems", written.select("problem_id").distinct().count());
                    counts.put(ROLLOUTS, rows);
                    for (Row r : written.groupBy("verdict").count().collectAsList()) {
                        counts.put(r.getString(0).toLowerCase(java.util.Locale.ROOT), r.getLong(1));
                    }
                    String modelIds =
                            written.select("model_id").distinct().collectAsList().stream()
                                    .map(r -> r.getString(0))
                                    .sorted()
                                    .collect(Collectors.joining(","));
                    return new StageOutput.Result(List.of(problemsPath), modelIds, counts);
                });
    }
}
