package dev.ssb.logits;

import static org.apache.spark.sql.functions.col;

import dev.ssb.config.SsbProperties;
import dev.ssb.curate.CurateStage;
import dev.ssb.stage.StageRun;
import dev.ssb.table.Schemas;
import dev.ssb.table.StageOutput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The teacher-logits stage: accepted {@code teacher_contexts} into {@code teacher_logits}, one row
 * per accepted problem. One forward pass of the base model over [hinted prompt ‖ robust reply ‖
 * end-of-turn] keeps, for every reply position, the top-k ids and raw logits and the
 * full-vocabulary log-sum-exp at {@code logits.temperature}.
 *
 * <p>Top-k columns are flattened row-major: {@code topk_ids[i*k + j]} is the rank-j id of the
 * distribution that predicted {@code reply_ids[i]} ({@code [reply_len * k]}, ranks by decreasing
 * logit), {@code logsumexp} is {@code [reply_len]}; the probability of a stored id at T is {@code
 * exp(topk_logits[i*k + j] / T - logsumexp[i])} — the layout of {@code api.TeacherLogits}, which
 * the distillation stage hands to the model without reshaping.
 */
public final class TeacherLogitsStage {

    public static final String NAME = "teacher-logits";
    public static final String TEACHER_LOGITS = "teacher_logits";

    /** The keys teacher logits depend on (those of teacher contexts, plus logits.*). */
    public static final List<String> CONFIG_PREFIXES =
            List.of(
                    "data.",
                    "model.",
                    "rollout.",
                    "teacher.",
                    "logits.",
                    "prompts.",
                    SsbProperties.SEED);

    private static final ArrayType IDS = DataTypes.createArrayType(DataTypes.IntegerType, false);
    private static final ArrayType FLOATS = DataTypes.createArrayType(DataTypes.FloatType, false);

    /** The columns teacher-logits reads from {@code teacher_contexts}. */
    public static final StructType INPUT_SCHEMA =
            new StructType()
                    .add("problem_id", DataTypes.StringType)
                    .add("question", DataTypes.StringType)
                    .add("teacher_prompt_ids", IDS)
                    .add("teacher_token_ids", IDS)
                    .add("accepted", DataTypes.BooleanType);

    public static final StructType TEACHER_LOGITS_SCHEMA =
            new StructType()
                    .add("problem_id", DataTypes.StringType, false)
                    .add("student_prompt_ids", IDS, false)
                    .add("teacher_prompt_ids", IDS, false)
                    .add("reply_ids", IDS, false)
                    .add("reply_len", DataTypes.IntegerType, false)
                    .add("topk_ids", IDS, false)
                    .add("topk_logits", FLOATS, false)
                    .add("logsumexp", FLOATS, false)
                    .add("k", DataTypes.IntegerType, false)
                    .add("temperature", DataTypes.FloatType, false)
                    .add("model_id", DataTypes.StringType, false)
                    .add("run_id", DataTypes.StringType, false)
                    .add("config_hash", DataTypes.StringType, false);

    private TeacherLogitsStage() {}

    /** The stage as a function: teacher contexts (accepted ones are scored) into teacher logits. */
    public static Dataset<Row> transform(Dataset<Row> contexts, LogitsSettings settings) {
        Schemas.require(NAME, contexts, INPUT_SCHEMA);
        return contexts.filter(col("accepted"))
                .select("problem_id", "question", "teacher_prompt_ids", "teacher_token_ids")
                .mapPartitions(
                        new LogitsPartition(settings).partition(),
                        Encoders.row(TEACHER_LOGITS_SCHEMA));
    }

    /** The stage's body (declared in {@code dev.ssb.pipeline.Stages}). */
    public static StageOutput.Result write(StageRun run, StageOutput out) {
        LogitsSettings settings = LogitsSettings.from(run.config());
        Dataset<Row> contexts = run.readByProblem(CurateStage.TEACHER_CONTEXTS);
        long rows = out.writeTable(TEACHER_LOGITS, transform(contexts, settings));
        Dataset<Row> written = run.read(TEACHER_LOGITS);
        Row sums = written.agg(org.apache.spark.sql.functions.sum("reply_len")).first();
        Map<String, Long> counts = new LinkedHashMap<>();
        long accepted = contexts.filter(col("accepted")).count();
        counts.put("accepted_contexts", accepted);
        counts.put(TEACHER_LOGITS, rows);
        // every accepted context gives one row unless it does not fit (ModelPartition)
        counts.put("prompt_too_long", accepted - rows);
        counts.put("reply_tokens", sums.isNullAt(0) ? 0L : sums.getLong(0));
        counts.put("k", (long) settings.topK());
        TailMass.of(written).ifPresent(t -> counts.putAll(t.counts()));
        return new StageOutput.Result(run.inputPaths(), StageRun.modelIds(written), counts);
    }
}
