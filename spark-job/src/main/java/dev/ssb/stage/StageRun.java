package dev.ssb.stage;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.spark.Partitions;
import dev.ssb.table.RunLayout;
import dev.ssb.table.StageOutput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One run of a declared {@link Stage}: its configuration, the session and what the body of a
 * table-to-table stage needs (its inputs checked complete, read and partitioned by problem; its
 * outputs committed under its stage hash by {@link StageOutput}).
 *
 * @param stage the declaration
 * @param spark the session
 * @param config the resolved configuration
 * @param force redo the stage even when complete
 * @param resume continue a resumable stage from its newest checkpoint
 * @param producer the stage that writes a table (for "run ssb X first")
 */
public record StageRun(
        Stage stage,
        SparkSession spark,
        SsbConfig config,
        boolean force,
        boolean resume,
        Function<String, String> producer) {

    /** The body of a table-to-table stage: writes its outputs, reports what it did. */
    @FunctionalInterface
    public interface Body {
        StageOutput.Result write(StageRun run, StageOutput out);
    }

    /** The counts of a stage's table from its row count and the table as written. */
    @FunctionalInterface
    public interface Counts {
        Map<String, Long> of(long rows, Dataset<Row> written);
    }

    public StageRun {
        requireNonNull(stage, "stage is null");
        requireNonNull(spark, "spark is null");
        requireNonNull(config, "config is null");
        requireNonNull(producer, "producer is null");
    }

    public RunLayout layout() {
        return new RunLayout(config.out(), config.runId());
    }

    /**
     * Runs {@code body} unless the stage's outputs are complete with the same stage hash, after
     * checking that every declared input is complete.
     */
    public StageOutput.Outcome commit(Body body) {
        return commit(stage.hash(config), body);
    }

    /**
     * As {@link #commit(Body)} under {@code stageHash} instead of the declared keys' hash: for a
     * stage whose rows depend on more keys in some configurations (rollout with {@code
     * data.accept_target}, whose selection depends on the teacher's keys too).
     */
    public StageOutput.Outcome commit(String stageHash, Body body) {
        RunLayout layout = layout();
        var hadoop = spark.sparkContext().hadoopConfiguration();
        for (String table : stage.inputs()) {
            if (!layout.isComplete(table, hadoop)) {
                throw new IllegalStateException(
                        String.format(
                                "Cannot run %s: table %s of run %s is not complete (run ssb %s"
                                        + " first)",
                                stage.name(), table, config.runId(), producer.apply(table)));
            }
        }
        return new StageOutput(spark, layout, stage.name(), stage.outputs())
                .run(config, stageHash, force, out -> body.write(this, out));
    }

    /** Where a table of this run is. */
    public String path(String table) {
        return layout().tablePath(table).toString();
    }

    /** The paths of the declared inputs (for the manifest). */
    public List<String> inputPaths() {
        return stage.inputs().stream().map(this::path).toList();
    }

    /** A table of this run. */
    public Dataset<Row> read(String table) {
        return spark.read().parquet(path(table));
    }

    /** A table of this run in {@code data.partitions} partitions, hashed by problem id. */
    public Dataset<Row> readByProblem(String table) {
        return Partitions.byProblem(read(table), config.intValue(SsbProperties.DATA_PARTITIONS));
    }

    /**
     * Writes {@code rows} as the stage's table {@code table} and reports it: its {@code counts},
     * then {@code extra}, with the input paths and the model ids of the written rows.
     */
    public StageOutput.Result writeTable(
            StageOutput out,
            String table,
            Dataset<Row> rows,
            Counts counts,
            Map<String, Long> extra) {
        long n = out.writeTable(table, rows);
        Dataset<Row> written = read(table);
        Map<String, Long> all = new LinkedHashMap<>(counts.of(n, written));
        all.putAll(extra);
        return new StageOutput.Result(inputPaths(), modelIds(written), all);
    }

    /** The distinct non-null {@code model_id}s of written rows, sorted and comma-joined. */
    public static String modelIds(Dataset<Row> written) {
        return written
                .filter(written.col("model_id").isNotNull())
                .select("model_id")
                .distinct()
                .collectAsList()
                .stream()
                .map(r -> r.getString(0))
                .sorted()
                .collect(Collectors.joining(","));
    }
}
