package dev.ssb.compare;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.distill.DistillStage;
import dev.ssb.table.RunLayout;
import dev.ssb.table.StageOutput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a method trains with: the compare run (whose rollouts, and curate/teacher-logits when
 * needed, are shared), its own data run {@code <run>/compare/<method>/} for tables only it needs,
 * and its training run {@code <run>/compare/<method>-lr<lr>/} that holds its adapter and
 * evaluations (one per learning rate, so a sweep on the dev split reuses everything else).
 *
 * @param spark the session
 * @param run the compare run's configuration
 * @param method the method's name
 * @param lr its learning rate
 * @param noWrongPrompt the teacher template of {@code ssb-nohint-wrong}
 * @param force redo complete stages
 */
record CompareContext(
        SparkSession spark,
        SsbConfig run,
        String method,
        double lr,
        String noWrongPrompt,
        boolean force) {

    /** The folder of the method runs inside the compare run. */
    static final String DIR = "compare";

    CompareContext {
        requireNonNull(spark, "spark is null");
        requireNonNull(run, "run is null");
        requireNonNull(method, "method is null");
        requireNonNull(noWrongPrompt, "noWrongPrompt is null");
        if (!(lr > 0)) {
            throw new IllegalArgumentException(
                    "Invalid lr of " + method + ": " + lr + " (must be > 0)");
        }
    }

    /** {@code <out>/<run-id>/compare}: the out of every method run. */
    static String compareOut(SsbConfig run) {
        return new RunLayout(run.out(), run.runId()).runPath() + "/" + DIR;
    }

    /** The learning rate as a run id suffix, e.g. {@code lr0.001}. */
    static String lrLabel(double lr) {
        return "lr" + Double.toString(lr).replace('E', 'e');
    }

    /** The run that holds the tables only this method needs. */
    SsbConfig dataConfig() {
        return run.with(SsbProperties.OUT, compareOut(run)).with(SsbProperties.RUN_ID, method);
    }

    RunLayout dataLayout() {
        SsbConfig data = dataConfig();
        return new RunLayout(data.out(), data.runId());
    }

    /** The run that holds this method's adapter and evaluations at this learning rate. */
    SsbConfig trainConfig() {
        return run.with(SsbProperties.OUT, compareOut(run))
                .with(SsbProperties.RUN_ID, method + "-" + lrLabel(lr))
                .with(SsbProperties.DISTILL_LR, Double.toString(lr));
    }

    /**
     * Tokens the hinted teacher sampled in the teacher_contexts table of {@code layout}: every
     * teacher reply, accepted or not.
     */
    long teacherTokens(RunLayout layout) {
        Row sum =
                spark.read()
                        .parquet(
                                layout.tablePath(dev.ssb.curate.CurateStage.TEACHER_CONTEXTS)
                                        .toString())
                        .filter(org.apache.spark.sql.functions.col("teacher_token_ids").isNotNull())
                        .agg(
                                org.apache.spark.sql.functions.sum(
                                        org.apache.spark.sql.functions.size(
                                                org.apache.spark.sql.functions.col(
                                                        "teacher_token_ids"))))
                        .first();
        return sum.isNullAt(0) ? 0 : sum.getLong(0);
    }

    /** A table of the compare run. */
    Dataset<Row> readRun(String table) {
        return spark.read()
                .parquet(new RunLayout(run.out(), run.runId()).tablePath(table).toString());
    }

    /**
     * Commits {@code rows} as {@code table} of the run of {@code config} unless it is complete with
     * the same hash of {@code keys}; its manifest counts the rows and what {@code moreCounts} finds
     * in the written table.
     */
    void commit(
            SsbConfig config,
            String table,
            List<String> keys,
            Supplier<Dataset<Row>> rows,
            Function<Dataset<Row>, Map<String, Long>> moreCounts) {
        RunLayout layout = new RunLayout(config.out(), config.runId());
        String stage = DIR + " " + method;
        new StageOutput(spark, layout, stage, List.of(table))
                .run(
                        config,
                        config.hash(keys) + "+" + method,
                        force,
                        out -> {
                            long n = out.writeTable(table, rows.get());
                            Map<String, Long> counts = new LinkedHashMap<>();
                            counts.put(table, n);
                            counts.putAll(
                                    moreCounts.apply(
                                            spark.read()
                                                    .parquet(layout.tablePath(table).toString())));
                            return new StageOutput.Result(
                                    List.of(
                                            new RunLayout(run.out(), run.runId())
                                                    .runPath()
                                                    .toString()),
                                    config.string(SsbProperties.MODEL_CHECKPOINT),
                                    counts);
                        });
    }

    /**
     * Trains with distill on the teacher_logits-shaped table of {@code data} into the training run,
     * with {@code keys} over the run's distill settings.
     */
    CompareMethod.Training distill(RunLayout data, Map<String, String> keys) {
        SsbConfig config = trainConfig();
        for (Map.Entry<String, String> e : keys.entrySet()) {
            config = config.with(e.getKey(), e.getValue());
        }
        StageOutput.Outcome outcome = DistillStage.run(spark, config, data, force);
        return new CompareMethod.Training(
                new RunLayout(config.out(), config.runId())
                        .tablePath(DistillStage.ADAPTER)
                        .toString(),
                outcome.manifest().count("examples"),
                outcome.manifest().count("tokens"),
                outcome.skipped());
    }
}
