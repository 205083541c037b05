package dev.ssb.compare;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;

import dev.ssb.distill.DistillStage;
import dev.ssb.spark.RowArrays;
import dev.ssb.stage.ModelPartition;
import dev.ssb.stage.ModelTask;
import dev.ssb.table.Schemas;
import dev.ssb.worker.api.LanguageModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The training data of the cross-entropy baselines: (question, reply) pairs picked from one run's
 * tables, as the teacher_logits-shaped table that distill reads. The reply's target at each
 * position is the reply's own next token: one id with probability 1 ({@code k = 1}, logit 0,
 * log-sum-exp 0), so with {@code distill.lambda_kd=0} and {@code distill.lambda_ce=1} the existing
 * trainer does plain supervised fine-tuning and no teacher distribution is stored.
 */
final class CeExamples {

    /** A picked pair: the student sees {@code question}; {@code reply_ids} end with end-of-turn. */
    static final StructType PAIRS =
            new StructType()
                    .add("problem_id", DataTypes.StringType, false)
                    .add("question", DataTypes.StringType, false)
                    .add("reply_ids", DataTypes.createArrayType(DataTypes.IntegerType), false)
                    .add("source_sample_idx", DataTypes.IntegerType, true);

    private static final org.apache.spark.sql.types.ArrayType IDS =
            DataTypes.createArrayType(DataTypes.IntegerType, false);
    private static final org.apache.spark.sql.types.ArrayType FLOATS =
            DataTypes.createArrayType(DataTypes.FloatType, false);

    /** {@link DistillStage#INPUT_SCHEMA}, then where the reply came from and the run columns. */
    static final StructType SCHEMA =
            new StructType()
                    .add("problem_id", DataTypes.StringType, false)
                    .add("student_prompt_ids", IDS, false)
                    .add("reply_ids", IDS, false)
                    .add("topk_ids", IDS, false)
                    .add("topk_logits", FLOATS, false)
                    .add("logsumexp", FLOATS, false)
                    .add("k", DataTypes.IntegerType, false)
                    .add("temperature", DataTypes.FloatType, false)
                    .add("source_sample_idx", DataTypes.IntegerType, true)
                    .add("model_id", DataTypes.StringType, false)
                    .add("run_id", DataTypes.StringType, false)
                    .add("config_hash", DataTypes.StringType, false);

    private static final StructType CONTEXTS_INPUT =
            new StructType()
                    .add("problem_id", DataTypes.StringType)
                    .add("question", DataTypes.StringType)
                    .add("accepted", DataTypes.BooleanType)
                    .add("teacher_token_ids", DataTypes.createArrayType(DataTypes.IntegerType));

    private static final StructType ROLLOUTS_INPUT =
            new StructType()
                    .add("problem_id", DataTypes.StringType)
                    .add("sample_idx", DataTypes.IntegerType)
                    .add("token_ids", DataTypes.createArrayType(DataTypes.IntegerType))
                    .add("finish_reason", DataTypes.StringType)
                    .add("verdict", DataTypes.StringType);

    private static final StructType PROBLEMS_INPUT =
            new StructType()
                    .add("problem_id", DataTypes.StringType)
                    .add("question", DataTypes.StringType);

    private CeExamples() {}

    /**
     * SFT's pairs: every accepted row of {@code teacher_contexts}, the hinted teacher's curated
     * reply (its sampled ids, end-of-turn included) under the bare question.
     */
    static Dataset<Row> sftPairs(Dataset<Row> teacherContexts) {
        Schemas.require("compare sft", teacherContexts, CONTEXTS_INPUT);
        return teacherContexts
                .filter(col("accepted"))
                .select(
                        col("problem_id"),
                        col("question"),
                        col("teacher_token_ids").as("reply_ids"),
                        org.apache
                                .spark
                                .sql
                                .functions
                                .lit(null)
                                .cast(DataTypes.IntegerType)
                                .as("source_sample_idx"));
    }

    /**
     * RFT's pairs: for every problem with a correct rollout (all-correct problems included), its
     * correct rollout of lowest sample index that ended on its own end-of-turn token.
     */
    static Dataset<Row> rftPairs(Dataset<Row> problems, Dataset<Row> rollouts) {
        Schemas.require("compare rft", problems, PROBLEMS_INPUT);
        Schemas.require("compare rft", rollouts, ROLLOUTS_INPUT);
        Dataset<Row> correct =
                rollouts.filter(
                        col("verdict")
                                .equalTo("CORRECT")
                                .and(col("finish_reason").equalTo("STOP")));
        Dataset<Row> first = correct.groupBy("problem_id").agg(min("sample_idx").as("sample_idx"));
        return correct.join(first, new String[] {"problem_id", "sample_idx"}, "inner")
                .join(
                        problems.select("problem_id", "question"),
                        new String[] {"problem_id"},
                        "inner")
                .select(
                        col("problem_id"),
                        col("question"),
                        col("token_ids").as("reply_ids"),
                        col("sample_idx").as("source_sample_idx"));
    }

    /**
     * The pairs as training rows of {@link #SCHEMA}: the student prompt is the chat template over
     * [system, user: question] with the generation prompt (as rollouts and teacher-logits build
     * it), encoded on the executors by the model's own tokenizer.
     *
     * @param temperature the {@code temperature} column (distill checks it against its KD
     *     temperature; the one-hot target is the same at any temperature)
     */
    static Dataset<Row> table(
            Dataset<Row> pairs, ModelTask model, int batchSize, float temperature) {
        Schemas.require("compare", pairs, PAIRS);
        return pairs.select("problem_id", "question", "reply_ids", "source_sample_idx")
                .mapPartitions(
                        new ModelPartition<>(model, batchSize, new Encode(model, temperature)),
                        Encoders.row(SCHEMA));
    }

    /** One training row from a pair, given the student prompt's ids. */
    static Row row(
            Row pair, int[] studentPromptIds, float temperature, String modelId, ModelTask t) {
        int[] reply = RowArrays.ints(pair, "reply_ids");
        if (reply.length == 0) {
            throw new IllegalArgumentException(
                    "Invalid training pair " + pair.getAs("problem_id") + ": empty reply");
        }
        return RowFactory.create(
                pair.<String>getAs("problem_id"),
                studentPromptIds,
                reply,
                reply.clone(),
                new float[reply.length],
                new float[reply.length],
                1,
                temperature,
                pair.isNullAt(pair.fieldIndex("source_sample_idx"))
                        ? null
                        : pair.<Integer>getAs("source_sample_idx"),
                modelId,
                t.runId(),
                t.configHash());
    }

    /** The executor side: prompts encoded, replies checked to end with an end-of-turn token. */
    private record Encode(ModelTask model, float temperature) implements ModelPartition.Work<Row> {

        @Override
        public Row prepare(Row row) {
            return row;
        }

        @Override
        public int sequences(Row pair) {
            return 1;
        }

        @Override
        public ModelPartition.Tokens encode(LanguageModel lm, Row pair) {
            int prompt = lm.encodeChat(model.studentMessages(pair.getAs("question")), true).length;
            return new ModelPartition.Tokens(
                    prompt, (long) prompt + RowArrays.ints(pair, "reply_ids").length);
        }

        @Override
        public List<Row> run(LanguageModel lm, List<Row> batch, String executorId) {
            List<Integer> stops = lm.stopTokenIds();
            List<Row> rows = new ArrayList<>(batch.size());
            for (Row pair : batch) {
                int[] reply = RowArrays.ints(pair, "reply_ids");
                if (reply.length == 0 || !stops.contains(reply[reply.length - 1])) {
                    throw new IllegalStateException(
                            String.format(
                                    "Invalid training reply of %s: it does not end with an"
                                            + " end-of-turn token %s of model %s",
                                    pair.<String>getAs("problem_id"), stops, lm.modelId()));
                }
                int[] prompt = lm.encodeChat(model.studentMessages(pair.getAs("question")), true);
                rows.add(row(pair, prompt, temperature, lm.modelId(), model));
            }
            return rows;
        }
    }
}
