package dev.ssb.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.table.InputFiles;
import dev.ssb.table.RunLayout;
import dev.ssb.table.Schemas;
import dev.ssb.table.StageOutput;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest stage: a dataset file (or folder) into {@code problems} (one row per distinct problem)
 * and {@code rejected} (one row per bad input row, with its line and reason). Every input row lands
 * in exactly one of them: {@code input_rows = problems + rejected}.
 */
public final class IngestStage {

    private static final Logger LOG = LoggerFactory.getLogger(IngestStage.class);

    public static final String NAME = "ingest";
    public static final String PROBLEMS = "problems";
    public static final String REJECTED = "rejected";

    /** The keys ingest depends on: a change of any other key leaves a complete ingest reusable. */
    public static final List<String> CONFIG_PREFIXES =
            List.of(
                    SsbProperties.DATA_PROBLEMS,
                    SsbProperties.DATA_FORMAT,
                    SsbProperties.DATA_FILE_FORMAT,
                    SsbProperties.DATA_SPLIT,
                    SsbProperties.DATA_LIMIT);

    public static final StructType PROBLEMS_SCHEMA =
            new StructType()
                    .add("problem_id", DataTypes.StringType, false)
                    .add("source", DataTypes.StringType, false)
                    .add("split", DataTypes.StringType, false)
                    .add("question", DataTypes.StringType, false)
                    .add("gold_answer", DataTypes.StringType, false)
                    .add("solution", DataTypes.StringType, true)
                    .add("file", DataTypes.StringType, false)
                    .add("line", DataTypes.LongType, false)
                    .add("run_id", DataTypes.StringType, false)
                    .add("config_hash", DataTypes.StringType, false);

    public static final StructType REJECTED_SCHEMA =
            new StructType()
                    .add("source", DataTypes.StringType, false)
                    .add("file", DataTypes.StringType, false)
                    .add("line", DataTypes.LongType, false)
                    .add("raw", DataTypes.StringType, false)
                    .add("reason", DataTypes.StringType, false)
                    .add("run_id", DataTypes.StringType, false)
                    .add("config_hash", DataTypes.StringType, false);

    /** The input of {@link #transform}: one row per input line. */
    public static final StructType INPUT_SCHEMA = InputLines.SCHEMA;

    private static final StructType PARSED =
            InputLines.SCHEMA
                    .add("reason", DataTypes.StringType, true)
                    .add("problem_id", DataTypes.StringType, true)
                    .add("question", DataTypes.StringType, true)
                    .add("gold_answer", DataTypes.StringType, true)
                    .add("solution", DataTypes.StringType, true);

    /** The two output tables. */
    public record Tables(Dataset<Row> problems, Dataset<Row> rejected) {}

    private IngestStage() {}

    /** Runs ingest for {@code config} unless its tables are complete (see {@link StageOutput}). */
    public static StageOutput.Outcome run(SparkSession spark, SsbConfig config, boolean force) {
        return run(spark, config, force, PROBLEMS, REJECTED);
    }

    /**
     * Runs ingest of {@code data.problems} into tables with other names (the held-out set of
     * evaluate goes to {@code eval_problems}, so it never replaces the training problems).
     */
    public static StageOutput.Outcome run(
            SparkSession spark,
            SsbConfig config,
            boolean force,
            String problemsTable,
            String rejectedTable) {
        String input = config.string(SsbProperties.DATA_PROBLEMS);
        if (input.isBlank()) {
            throw new IllegalArgumentException(
                    "Missing data.problems: give --problems FILE or set data.problems");
        }
        IngestInput.requireExists(spark, input); // before the stage's manifests are dropped
        RunLayout layout = new RunLayout(config.out(), config.runId());
        StageOutput output =
                new StageOutput(spark, layout, NAME, List.of(problemsTable, rejectedTable));
        return output.run(
                config,
                config.hash(CONFIG_PREFIXES),
                InputFiles.of(input, spark.sparkContext().hadoopConfiguration()),
                force,
                out -> {
                    Dataset<Row> lines =
                            IngestInput.read(spark, config, input)
                                    .persist(StorageLevel.MEMORY_AND_DISK());
                    try {
                        DatasetFormat format = IngestInput.format(spark, config, input);
                        String split = IngestInput.split(config, input);
                        Tables tables =
                                transform(lines, format, split, config.runId(), config.hash());
                        long inputRows = lines.count();
                        long problems =
                                out.writeTable(
                                        problemsTable, partitioned(tables.problems(), config));
                        long rejected =
                                out.writeTable(
                                        rejectedTable, tables.rejected().orderBy("file", "line"));
                        if (inputRows != problems + rejected) {
                            throw new IllegalStateException(
                                    String.format(
                                            "Ingest lost rows: %s input rows but %s problems + %s"
                                                    + " rejected",
                                            inputRows, problems, rejected));
                        }
                        logReasons(spark, layout, rejectedTable);
                        LOG.info(
                                "Ingested {} as {} ({}): {} input rows, {} problems, {} rejected",
                                input,
                                format.sourceName(),
                                split,
                                inputRows,
                                problems,
                                rejected);
                        Map<String, Long> counts = new LinkedHashMap<>();
                        counts.put("input_rows", inputRows);
                        counts.put(PROBLEMS, problems);
                        counts.put(REJECTED, rejected);
                        return new StageOutput.Result(
                                List.of(IngestInput.qualified(spark, input)), "", counts);
                    } finally {
                        lines.unpersist();
                    }
                });
    }

    /**
     * The stage as a function of its input lines ({@link #INPUT_SCHEMA}): parse, reject,
     * de-duplicate (the first occurrence of a problem id wins, later ones are rejected as
     * "duplicate of line N").
     */
    public static Tables transform(
            Dataset<Row> lines,
            DatasetFormat format,
            String split,
            String runId,
            String configHash) {
        Schemas.require(NAME, lines, INPUT_SCHEMA);
        RecordParser parser = new RecordParser(format, new VerifierGoldAnswers());
        Dataset<Row> parsed =
                lines.mapPartitions(
                        (MapPartitionsFunction<Row, Row>) it -> parseAll(parser, it),
                        Encoders.row(PARSED));
        WindowSpec byProblem = Window.partitionBy("problem_id").orderBy("row_index");
        Dataset<Row> ranked =
                parsed.filter(col("reason").isNull())
                        .withColumn("rank", row_number().over(byProblem))
                        .withColumn("first_file", first("file").over(byProblem))
                        .withColumn("first_line", first("line").over(byProblem));
        Dataset<Row> duplicates =
                ranked.filter(col("rank").gt(1))
                        .withColumn(
                                "reason",
                                when(
                                                col("first_file").equalTo(col("file")),
                                                concat(
                                                        lit("duplicate of line "),
                                                        col("first_line").cast("string")))
                                        .otherwise(
                                                concat(
                                                        lit("duplicate of "),
                                                        col("first_file"),
                                                        lit(" line "),
                                                        col("first_line").cast("string"))));
        Dataset<Row> problems =
                ranked.filter(col("rank").equalTo(1))
                        .select(
                                col("problem_id"),
                                lit(format.sourceName()).as("source"),
                                lit(split).as("split"),
                                col("question"),
                                col("gold_answer"),
                                col("solution"),
                                col("file"),
                                col("line"),
                                lit(runId).as("run_id"),
                                lit(configHash).as("config_hash"));
        Dataset<Row> rejected =
                parsed.filter(col("reason").isNotNull())
                        .select("file", "line", "raw", "reason")
                        .unionByName(duplicates.select("file", "line", "raw", "reason"))
                        .select(
                                lit(format.sourceName()).as("source"),
                                col("file"),
                                col("line"),
                                col("raw"),
                                col("reason"),
                                lit(runId).as("run_id"),
                                lit(configHash).as("config_hash"));
        return new Tables(
                Schemas.conform(problems, PROBLEMS_SCHEMA),
                Schemas.conform(rejected, REJECTED_SCHEMA));
    }

    private static Iterator<Row> parseAll(RecordParser parser, Iterator<Row> it) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Row next() {
                Row in = it.next();
                RecordParser.Parsed p = parser.parse(in.getString(3));
                return RowFactory.create(
                        in.get(0),
                        in.get(1),
                        in.get(2),
                        in.get(3),
                        p.reason(),
                        p.problemId(),
                        p.question(),
                        p.gold(),
                        p.solution());
            }
        };
    }

    private static Dataset<Row> partitioned(Dataset<Row> problems, SsbConfig config) {
        int n = config.intValue(SsbProperties.DATA_PARTITIONS);
        return n > 0
                ? problems.repartition(n, col("problem_id")).sortWithinPartitions("file", "line")
                : problems.orderBy("file", "line");
    }

    private static void logReasons(SparkSession spark, RunLayout layout, String rejectedTable) {
        Map<String, Long> byKind =
                spark
                        .read()
                        .parquet(layout.tablePath(rejectedTable).toString())
                        .selectExpr("regexp_extract(reason, '^[^:0-9]*', 0) AS kind")
                        .groupBy("kind")
                        .count()
                        .collectAsList()
                        .stream()
                        .collect(Collectors.toMap(r -> r.getString(0).strip(), r -> r.getLong(1)));
        if (!byKind.isEmpty()) {
            LOG.info("Rejected rows by reason: {}", byKind);
        }
    }
}
