package dev.ssb.curate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.struct;

import dev.ssb.config.SsbProperties;
import dev.ssb.ingest.IngestStage;
import dev.ssb.rollout.RolloutStage;
import dev.ssb.stage.StageRun;
import dev.ssb.table.Schemas;
import dev.ssb.table.StageOutput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The curate stage: {@code problems} and {@code rollouts} into {@code teacher_contexts}, one row
 * per problem (so that rollouts and teacher_contexts account for every problem). A problem with at
 * least one correct and one wrong rollout gets a hinted teacher reply at the teacher temperature;
 * it is accepted when that reply ends with an end-of-turn token and its boxed answer verifies
 * correct. {@code reject_reason} says why any other problem was dropped.
 */
public final class CurateStage {

    public static final String NAME = "curate";
    public static final String TEACHER_CONTEXTS = "teacher_contexts";

    /** Every value of {@code reject_reason} (null when accepted). */
    public static final List<String> REJECT_REASONS =
            List.of(
                    "all_correct",
                    "all_wrong",
                    "no_answer",
                    "no_rollouts",
                    "teacher_wrong",
                    "teacher_no_answer",
                    "teacher_truncated",
                    "teacher_timeout",
                    "teacher_prompt_too_long");

    /** The keys teacher contexts depend on (those of rollouts, plus the teacher's). */
    public static final List<String> CONFIG_PREFIXES =
            List.of("data.", "model.", "rollout.", "teacher.", "prompts.", SsbProperties.SEED);

    /** The columns curate reads from {@code problems}. */
    public static final StructType PROBLEMS_INPUT =
            new StructType()
                    .add("problem_id", DataTypes.StringType)
                    .add("question", DataTypes.StringType)
                    .add("gold_answer", DataTypes.StringType);

    /** The columns curate reads from {@code rollouts}. */
    public static final StructType ROLLOUTS_INPUT =
            new StructType()
                    .add("problem_id", DataTypes.StringType)
                    .add("sample_idx", DataTypes.IntegerType)
                    .add("completion", DataTypes.StringType)
                    .add("verdict", DataTypes.StringType)
                    .add("extracted_answer", DataTypes.StringType)
                    .add("model_id", DataTypes.StringType);

    private static final org.apache.spark.sql.types.ArrayType IDS =
            DataTypes.createArrayType(DataTypes.IntegerType, false);

    public static final StructType TEACHER_CONTEXTS_SCHEMA =
            new StructType()
                    .add("problem_id", DataTypes.StringType, false)
                    .add("question", DataTypes.StringType, false)
                    .add("gold_answer", DataTypes.StringType, false)
                    .add("n_samples", DataTypes.IntegerType, false)
                    .add("n_correct", DataTypes.IntegerType, false)
                    .add("n_wrong", DataTypes.IntegerType, false)
                    .add("correct_sample_idx", DataTypes.IntegerType, true)
                    .add("wrong_sample_idx", DataTypes.IntegerType, true)
                    .add("wrong_answer", DataTypes.StringType, true)
                    .add("wrong_answer_count", DataTypes.IntegerType, true)
                    .add("teacher_prompt", DataTypes.StringType, true)
                    .add("teacher_prompt_ids", IDS, true)
                    .add("teacher_seed", DataTypes.LongType, true)
                    .add("robust_solution", DataTypes.StringType, true)
                    .add("teacher_token_ids", IDS, true)
                    .add("teacher_finish_reason", DataTypes.StringType, true)
                    .add("teacher_verdict", DataTypes.StringType, true)
                    .add("robust_answer", DataTypes.StringType, true)
                    .add("accepted", DataTypes.BooleanType, false)
                    .add("reject_reason", DataTypes.StringType, true)
                    .add("model_id", DataTypes.StringType, true)
                    .add("run_id", DataTypes.StringType, false)
                    .add("config_hash", DataTypes.StringType, false);

    private CurateStage() {}

    /**
     * The stage as a function: every problem, with its rollouts grouped, into one teacher context
     * row.
     */
    public static Dataset<Row> transform(
            Dataset<Row> problems, Dataset<Row> rollouts, CurateSettings settings) {
        Schemas.require(NAME, problems, PROBLEMS_INPUT);
        Schemas.require(NAME, rollouts, ROLLOUTS_INPUT);
        Dataset<Row> attempts =
                rollouts.groupBy("problem_id")
                        .agg(
                                collect_list(
                                                struct(
                                                        col("sample_idx"),
                                                        col("completion"),
                                                        col("verdict"),
                                                        col("extracted_answer"),
                                                        col("model_id")))
                                        .as("attempts"));
        return problems.select("problem_id", "question", "gold_answer")
                .join(attempts, new String[] {"problem_id"}, "left")
                .mapPartitions(
                        new CuratePartition(settings).partition(),
                        Encoders.row(TEACHER_CONTEXTS_SCHEMA));
    }

    /** The stage's body (declared in {@code dev.ssb.pipeline.Stages}). */
    public static StageOutput.Result write(StageRun run, StageOutput out) {
        Dataset<Row> contexts =
                transform(
                        run.readByProblem(IngestStage.PROBLEMS),
                        run.read(RolloutStage.ROLLOUTS),
                        CurateSettings.from(run.config()));
        return run.writeTable(out, TEACHER_CONTEXTS, contexts, CurateStage::counts, Map.of());
    }

    /**
     * The counts of a {@code teacher_contexts} table: problems, accepted and each reject reason.
     */
    public static Map<String, Long> counts(long rows, Dataset<Row> written) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("problems", rows);
        counts.putAll(acceptCounts(written));
        return counts;
    }

    /**
     * The accepted contexts of a {@code teacher_contexts} table and the rejected ones by each
     * reason of {@link #REJECT_REASONS}, as the manifest counts them.
     */
    public static Map<String, Long> acceptCounts(Dataset<Row> contexts) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("accepted", contexts.filter(col("accepted")).count());
        List<Row> reasons =
                contexts.filter(col("reject_reason").isNotNull())
                        .groupBy("reject_reason")
                        .count()
                        .collectAsList();
        for (String reason : REJECT_REASONS) {
            counts.put(
                    reason,
                    reasons.stream()
                            .filter(r -> r.getString(0).equals(reason))
                            .mapToLong(r -> r.getLong(1))
                            .sum());
        }
        return counts;
    }
}
