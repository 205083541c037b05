package dev.ssb.eval;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.stage.CheckpointSampling;
import dev.ssb.stage.SampleSettings;
import dev.ssb.table.RunLayout;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A committed evaluation read back as its {@link EvalSummary}, recomputed from its {@code samples}
 * table by the same aggregation that wrote {@code summary.json} (for commands, such as {@code ssb
 * compare}, that put several evaluations side by side).
 */
public final class EvalResults {

    private EvalResults() {}

    /**
     * The summary of the evaluation that {@code config} (its run, {@code eval.tag} and sampling
     * keys) committed.
     *
     * @throws IllegalStateException when that evaluation is not complete
     */
    public static EvalSummary read(SparkSession spark, SsbConfig unresolved) {
        // sampling keys left at auto: the values the evaluation used (and hashed)
        SsbConfig config =
                CheckpointSampling.resolve(unresolved, spark.sparkContext().hadoopConfiguration());
        RunLayout layout = new RunLayout(config.out(), config.runId());
        EvalTables tables = EvalTables.of(config.string(SsbProperties.EVAL_TAG));
        Dataset<Row> samples = samples(spark, config);
        List<Row> models =
                samples.select("model_id", "adapter_path", "adapter_hash")
                        .distinct()
                        .collectAsList();
        EvalInfo info =
                new EvalInfo(
                        config.runId(),
                        config.hash(),
                        models.stream()
                                .map(r -> r.getString(0))
                                .distinct()
                                .sorted()
                                .collect(Collectors.joining(",")),
                        first(models, 1),
                        first(models, 2),
                        layout.tablePath(tables.problems()).toString(),
                        SampleSettings.evaluation(config));
        return EvalSummary.of(info, ProblemScore.of(samples));
    }

    /**
     * One model's per-problem scores in the evaluation that {@code config} committed, to pair them
     * with another evaluation's on the same problems ({@link Scores#minus}).
     *
     * @throws IllegalStateException when that evaluation is not complete or lacks the model
     */
    public static Scores scores(SparkSession spark, SsbConfig unresolved, ModelTag tag) {
        SsbConfig config =
                CheckpointSampling.resolve(unresolved, spark.sparkContext().hadoopConfiguration());
        Map<String, ProblemScore> sampled = new TreeMap<>();
        Map<String, ProblemScore> greedy = new TreeMap<>();
        for (ProblemScore s : ProblemScore.of(samples(spark, config))) {
            if (s.tag() == tag) {
                (s.greedy() ? greedy : sampled).put(s.problemId(), s);
            }
        }
        if (sampled.isEmpty()) {
            throw new IllegalStateException(
                    String.format(
                            "Cannot read the %s scores of run %s: its evaluation has no %s rows",
                            tag, config.runId(), tag));
        }
        return new Scores(sampled, greedy.isEmpty() ? Optional.empty() : Optional.of(greedy));
    }

    /** One model's per-problem scores in one evaluation, sampled and (when run) greedy. */
    public static final class Scores {
        private final Map<String, ProblemScore> sampled;
        private final Optional<Map<String, ProblemScore>> greedy;

        private Scores(
                Map<String, ProblemScore> sampled, Optional<Map<String, ProblemScore>> greedy) {
            this.sampled = sampled;
            this.greedy = greedy;
        }

        /**
         * This model − {@code other}, paired by problem, with the intervals of student − base.
         *
         * @throws IllegalArgumentException when the two were not evaluated on the same problems
         */
        public EvalSummary.Difference minus(Scores other) {
            return EvalSummary.difference(other.sampled, sampled, other.greedy, greedy);
        }
    }

    private static Dataset<Row> samples(SparkSession spark, SsbConfig config) {
        RunLayout layout = new RunLayout(config.out(), config.runId());
        EvalTables tables = EvalTables.of(config.string(SsbProperties.EVAL_TAG));
        if (!layout.isComplete(tables.samples(), spark.sparkContext().hadoopConfiguration())) {
            throw new IllegalStateException(
                    String.format(
                            "Cannot read evaluation %s of run %s: it is not complete (run ssb"
                                    + " evaluate first)",
                            tables.samples(), config.runId()));
        }
        return spark.read().parquet(layout.tablePath(tables.samples()).toString());
    }

    private static Optional<String> first(List<Row> rows, int column) {
        return rows.stream()
                .filter(r -> !r.isNullAt(column))
                .map(r -> r.getString(column))
                .findFirst();
    }
}
