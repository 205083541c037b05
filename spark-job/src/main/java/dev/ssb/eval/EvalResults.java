package dev.ssb.eval;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.stage.CheckpointSampling;
import dev.ssb.stage.SampleSettings;
import dev.ssb.table.RunLayout;
import java.util.List;
import java.util.Optional;
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

    /**
     * A committed evaluation read back.
     *
     * @param summary its summary
     * @param scores the per-problem scores the summary was computed from, to pair the evaluation
     *     with another of the same problems ({@link ProblemScores#minus})
     */
    public record Scored(EvalSummary summary, ProblemScores scores) {}

    private EvalResults() {}

    /**
     * The summary and per-problem scores of the evaluation that {@code config} (its run, {@code
     * eval.tag} and sampling keys) committed, from one read of its samples.
     *
     * @throws IllegalStateException when that evaluation is not complete
     */
    public static Scored read(SparkSession spark, SsbConfig unresolved) {
        // sampling keys left at auto: the values the evaluation used (and hashed)
        SsbConfig config =
                CheckpointSampling.resolve(unresolved, spark.sparkContext().hadoopConfiguration());
        RunLayout layout = new RunLayout(config.out(), config.runId());
        EvalTables tables = EvalTables.of(config.string(SsbProperties.EVAL_TAG));
        if (!layout.isComplete(tables.samples(), spark.sparkContext().hadoopConfiguration())) {
            throw new IllegalStateException(
                    String.format(
                            "Cannot read evaluation %s of run %s: it is not complete (run ssb"
                                    + " evaluate first)",
                            tables.samples(), config.runId()));
        }
        Dataset<Row> samples = spark.read().parquet(layout.tablePath(tables.samples()).toString());
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
        ProblemScores scores = ProblemScores.of(ProblemScore.of(samples));
        return new Scored(EvalSummary.of(info, scores), scores);
    }

    private static Optional<String> first(List<Row> rows, int column) {
        return rows.stream()
                .filter(r -> !r.isNullAt(column))
                .map(r -> r.getString(column))
                .findFirst();
    }
}
