package dev.ssb.eval;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One problem's result for one model: what the summary aggregates.
 *
 * @param tag which model
 * @param greedy whether these are the greedy row (temperature 0, n = 1) rather than the sampled
 *     ones
 * @param problemId the problem
 * @param samples n, the samples drawn
 * @param correct samples with verdict CORRECT
 * @param strictCorrect samples whose answer matches the gold strictly ({@link StrictMatch})
 * @param majorityCorrect whether the majority vote over the samples is correct
 * @param tokens generated tokens summed over the samples
 * @param truncated samples cut at max_new_tokens
 */
record ProblemScore(
        ModelTag tag,
        boolean greedy,
        String problemId,
        int samples,
        int correct,
        int strictCorrect,
        boolean majorityCorrect,
        long tokens,
        int truncated) {

    ProblemScore {
        requireNonNull(tag, "tag is null");
        requireNonNull(problemId, "problemId is null");
        if (samples < 1) {
            throw new IllegalArgumentException("Invalid samples: " + samples + " (must be >= 1)");
        }
        if (correct < 0 || correct > samples) {
            throw new IllegalArgumentException(
                    "Invalid correct: " + correct + " (must be in [0, " + samples + "])");
        }
        if (strictCorrect < 0 || strictCorrect > samples) {
            throw new IllegalArgumentException(
                    "Invalid strictCorrect: "
                            + strictCorrect
                            + " (must be in [0, "
                            + samples
                            + "])");
        }
        if (truncated < 0 || truncated > samples) {
            throw new IllegalArgumentException(
                    "Invalid truncated: " + truncated + " (must be in [0, " + samples + "])");
        }
    }

    /** A sampled score whose strict count equals its equivalence count. */
    ProblemScore(
            ModelTag tag,
            String problemId,
            int samples,
            int correct,
            boolean majorityCorrect,
            long tokens,
            int truncated) {
        this(tag, false, problemId, samples, correct, correct, majorityCorrect, tokens, truncated);
    }

    /** This problem's strict pass@1: the fraction of its samples that match strictly. */
    double strictPassAt1() {
        return strictCorrect / (double) samples;
    }

    /** This problem's pass@1: the fraction of its samples that are correct. */
    double passAt1() {
        return correct / (double) samples;
    }

    /**
     * Per problem, model and decoding of an eval samples table: correct samples, the majority vote
     * over the answer groups, tokens and truncations.
     */
    static List<ProblemScore> of(Dataset<Row> samples) {
        List<Row> perProblem =
                samples.groupBy("model_tag", "decoding", "problem_id")
                        .agg(
                                count(lit(1)).as("samples"),
                                sum(when(col("verdict").equalTo("CORRECT"), 1).otherwise(0))
                                        .as("correct"),
                                sum(when(col("strict_correct"), 1).otherwise(0))
                                        .as("strict_correct"),
                                sum(col("num_tokens").cast("long")).as("tokens"),
                                sum(when(col("finish_reason").equalTo("LENGTH"), 1).otherwise(0))
                                        .as("truncated"),
                                collect_list(struct(col("answer_group"), col("verdict")))
                                        .as("votes"))
                        .collectAsList();
        List<ProblemScore> scores = new ArrayList<>(perProblem.size());
        for (Row r : perProblem) {
            List<Majority.Vote> votes = new ArrayList<>();
            for (Row v : r.<Row>getList(r.fieldIndex("votes"))) {
                votes.add(
                        new Majority.Vote(
                                v.isNullAt(0) ? AnswerGroups.NONE : v.getInt(0),
                                "CORRECT".equals(v.getString(1))));
            }
            scores.add(
                    new ProblemScore(
                            ModelTag.of(r.getString(0)),
                            EvaluateStage.GREEDY.equals(r.getString(1)),
                            r.getString(2),
                            Math.toIntExact(r.getLong(3)),
                            Math.toIntExact(r.getLong(4)),
                            Math.toIntExact(r.getLong(5)),
                            Majority.correct(votes),
                            r.getLong(6),
                            Math.toIntExact(r.getLong(7))));
        }
        return scores;
    }
}
