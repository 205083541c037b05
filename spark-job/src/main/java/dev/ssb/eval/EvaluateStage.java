package dev.ssb.eval;

import static org.apache.spark.sql.functions.col;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.ingest.IngestStage;
import dev.ssb.logits.TailMass;
import dev.ssb.logits.TeacherLogitsStage;
import dev.ssb.spark.Partitions;
import dev.ssb.stage.CheckpointSampling;
import dev.ssb.stage.Decoding;
import dev.ssb.stage.SampleSettings;
import dev.ssb.table.RunLayout;
import dev.ssb.table.Schemas;
import dev.ssb.table.StageOutput;
import dev.ssb.worker.api.Verdict;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The evaluate stage: a held-out problems table into the {@code samples} table of {@code eval/}
 * (problem × sample × model) and a summary (pass@1, maj@n, 95% intervals, student − base) written
 * as {@code summary.json} and {@code summary.md}. The base model is always evaluated; base +
 * student adapter too when one is given, with identical prompts and seeds.
 */
public final class EvaluateStage {

    public static final String NAME = "evaluate";
    public static final String SUMMARY_JSON = "summary.json";
    public static final String SUMMARY_MD = "summary.md";

    /** eval.adapter: no student. */
    public static final String NO_ADAPTER = "none";

    /** eval.adapter: the run's distill output when it holds an adapter. */
    public static final String AUTO_ADAPTER = "auto";

    /** The run's distill output, looked up by {@value #AUTO_ADAPTER}. */
    public static final String RUN_ADAPTER_DIR = "adapter";

    /** The keys evaluation depends on (the adapter's content is added to the stage hash). */
    public static final List<String> CONFIG_PREFIXES =
            List.of(
                    "eval.",
                    "model.",
                    SsbProperties.DATA_MAX_PROMPT_TOKENS,
                    SsbProperties.PROMPTS_SYSTEM,
                    SsbProperties.SEED);

    /** The columns evaluate reads from a problems table. */
    public static final StructType INPUT_SCHEMA = Schemas.QUESTIONS;

    public static final StructType SAMPLES_SCHEMA =
            new StructType()
                    .add("model_tag", DataTypes.StringType, false)
                    .add("decoding", DataTypes.StringType, false)
                    .add("problem_id", DataTypes.StringType, false)
                    .add("sample_idx", DataTypes.IntegerType, false)
                    .add("seed", DataTypes.LongType, false)
                    .add("completion", DataTypes.StringType, false)
                    .add("num_tokens", DataTypes.IntegerType, false)
                    .add("finish_reason", DataTypes.StringType, false)
                    .add("extracted_answer", DataTypes.StringType, true)
                    .add("gold_answer", DataTypes.StringType, false)
                    .add("verdict", DataTypes.StringType, false)
                    .add("strict_correct", DataTypes.BooleanType, false)
                    .add("answer_group", DataTypes.IntegerType, true)
                    .add("model_id", DataTypes.StringType, false)
                    .add("adapter_path", DataTypes.StringType, true)
                    .add("adapter_hash", DataTypes.StringType, true)
                    .add("executor_id", DataTypes.StringType, false)
                    .add("gen_ms", DataTypes.LongType, false)
                    .add("run_id", DataTypes.StringType, false)
                    .add("config_hash", DataTypes.StringType, false);

    /**
     * What {@link #run} did.
     *
     * @param stage the commit outcome (skipped when already complete)
     * @param summaryJson where summary.json is
     * @param summaryMarkdown where summary.md is
     */
    public record Result(StageOutput.Outcome stage, Path summaryJson, Path summaryMarkdown) {}

    private EvaluateStage() {}

    /** {@code decoding} of the n sampled rows per problem and model (eval.*). */
    public static final String SAMPLED = "sampled";

    /** {@code decoding} of the one greedy row per problem and model (temperature 0). */
    public static final String GREEDY = "greedy";

    /**
     * The stage as a function: for the base model, then the student when {@code student} is
     * present, n sampled rows ({@value #SAMPLED}) and one greedy row ({@value #GREEDY}) per problem
     * of {@code problems} (at least {@link #INPUT_SCHEMA}).
     */
    static Dataset<Row> transform(
            Dataset<Row> problems, SampleSettings settings, Optional<StudentAdapter> student) {
        Schemas.require(NAME, problems, INPUT_SCHEMA);
        Dataset<Row> input = problems.select("problem_id", "question", "gold_answer");
        SampleSettings greedy = greedy(settings);
        Dataset<Row> rows = model(input, settings, SAMPLED, ModelTag.BASE, null);
        rows = rows.union(model(input, greedy, GREEDY, ModelTag.BASE, null));
        if (student.isPresent()) {
            var broadcast =
                    JavaSparkContext.fromSparkContext(problems.sparkSession().sparkContext())
                            .broadcast(student.get());
            rows = rows.union(model(input, settings, SAMPLED, ModelTag.STUDENT, broadcast));
            rows = rows.union(model(input, greedy, GREEDY, ModelTag.STUDENT, broadcast));
        }
        return rows;
    }

    /**
     * The greedy pass's settings: one sample per problem at temperature 0 (top-k and top-p have no
     * effect then), with the sampled pass's budget, batch size, prompts and model.
     */
    static SampleSettings greedy(SampleSettings sampled) {
        Decoding d = sampled.decoding();
        return new SampleSettings(
                sampled.model(),
                1,
                new Decoding(0f, d.topK(), d.topP(), d.maxNewTokens(), d.repetitionPenalty()),
                sampled.batchSize());
    }

    private static Dataset<Row> model(
            Dataset<Row> input,
            SampleSettings settings,
            String decoding,
            ModelTag tag,
            org.apache.spark.broadcast.Broadcast<StudentAdapter> student) {
        return input.mapPartitions(
                new EvalPartition(settings, decoding, tag, student).partition(),
                Encoders.row(SAMPLES_SCHEMA));
    }

    /**
     * Ingests {@code eval.problems} (when set) into the held-out problems table, then evaluates the
     * base model and, with an adapter, the student, unless the evaluation is complete; sampling
     * keys left at auto take the checkpoint's values ({@link CheckpointSampling}).
     */
    public static Result run(SparkSession spark, SsbConfig unresolved, boolean force) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        SsbConfig config = CheckpointSampling.resolve(unresolved, hadoop);
        RunLayout layout = new RunLayout(config.out(), config.runId());
        EvalTables tables = EvalTables.of(config.string(SsbProperties.EVAL_TAG));
        Optional<StudentAdapter> student = student(config, layout, hadoop); // fails first
        String heldOut = config.string(SsbProperties.EVAL_PROBLEMS);
        if (!heldOut.isBlank()) {
            IngestStage.run(
                    spark,
                    ingestConfig(config, heldOut),
                    force,
                    tables.problems(),
                    tables.rejected());
        } else if (!layout.isComplete(tables.problems(), hadoop)) {
            throw new IllegalStateException(
                    String.format(
                            "Cannot run evaluate: table %s of run %s is not complete (give"
                                    + " --problems FILE or set eval.problems)",
                            tables.problems(), config.runId()));
        }
        SampleSettings settings = SampleSettings.evaluation(config);
        String stageHash =
                config.hash(CONFIG_PREFIXES)
                        + student.map(a -> "+adapter:" + a.sha256()).orElse("");
        Path json = summaryJson(config);
        Path markdown = summaryMarkdown(config);
        StageOutput output = new StageOutput(spark, layout, NAME, List.of(tables.samples()));
        StageOutput.Outcome outcome =
                output.run(
                        config,
                        stageHash,
                        force,
                        out ->
                                evaluate(
                                        spark, config, layout, tables, settings, student, out, json,
                                        markdown));
        return new Result(outcome, json, markdown);
    }

    /** The stage body: samples table, then the summary files (all before the manifest). */
    private static StageOutput.Result evaluate(
            SparkSession spark,
            SsbConfig config,
            RunLayout layout,
            EvalTables tables,
            SampleSettings settings,
            Optional<StudentAdapter> student,
            StageOutput out,
            Path json,
            Path markdown) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        String problemsPath = layout.tablePath(tables.problems()).toString();
        Dataset<Row> problems = spark.read().parquet(problemsPath);
        if (problems.isEmpty()) {
            throw new IllegalStateException(
                    String.format(
                            "Cannot run evaluate: table %s of run %s has no problems (see %s)",
                            tables.problems(), config.runId(), tables.rejected()));
        }
        problems = Partitions.byProblem(problems, config.intValue(SsbProperties.DATA_PARTITIONS));
        long rows = out.writeTable(tables.samples(), transform(problems, settings, student));
        Dataset<Row> written = spark.read().parquet(layout.tablePath(tables.samples()).toString());
        String modelIds =
                written.select("model_id").distinct().collectAsList().stream()
                        .map(r -> r.getString(0))
                        .sorted()
                        .collect(Collectors.joining(","));
        EvalInfo info =
                new EvalInfo(
                        config.runId(),
                        config.hash(),
                        modelIds,
                        student.map(StudentAdapter::path),
                        student.map(StudentAdapter::sha256),
                        problemsPath,
                        settings);
        EvalSummary summary =
                EvalSummary.of(info, ProblemScore.of(written))
                        .withTailMass(
                                layout.manifest(TeacherLogitsStage.TEACHER_LOGITS, hadoop)
                                        .flatMap(m -> TailMass.fromCounts(m.counts())));
        write(hadoop, json, SummaryFormat.json(summary));
        write(hadoop, markdown, SummaryFormat.markdown(summary).getBytes(StandardCharsets.UTF_8));
        Map<String, Long> counts = counts(summary, rows);
        for (Row r :
                written.filter(
                                col("verdict")
                                        .equalTo(Verdict.PROMPT_TOO_LONG.name())
                                        .and(col("decoding").equalTo(SAMPLED)))
                        .groupBy("model_tag")
                        .count()
                        .collectAsList()) {
            counts.put(r.getString(0) + "_prompt_too_long", r.getLong(1));
        }
        return new StageOutput.Result(List.of(problemsPath), modelIds, counts);
    }

    /** Where the summary.json of the evaluation configured by {@code config} is. */
    public static Path summaryJson(SsbConfig config) {
        return summaryFile(config, SUMMARY_JSON);
    }

    /** Where the summary.md of the evaluation configured by {@code config} is. */
    public static Path summaryMarkdown(SsbConfig config) {
        return summaryFile(config, SUMMARY_MD);
    }

    private static Path summaryFile(SsbConfig config, String name) {
        EvalTables tables = EvalTables.of(config.string(SsbProperties.EVAL_TAG));
        return new Path(new RunLayout(config.out(), config.runId()).tablePath(tables.dir()), name);
    }

    /** The configuration ingest runs with for the held-out file: its own format, split, limit. */
    static SsbConfig ingestConfig(SsbConfig config, String heldOut) {
        return config.with(SsbProperties.DATA_PROBLEMS, heldOut)
                .with(SsbProperties.DATA_FORMAT, "auto")
                .with(SsbProperties.DATA_FILE_FORMAT, "auto")
                .with(SsbProperties.DATA_SPLIT, "auto")
                .with(SsbProperties.DATA_LIMIT, config.intValue(SsbProperties.EVAL_LIMIT));
    }

    /** The student adapter selected by eval.adapter, read on the driver. */
    static Optional<StudentAdapter> student(
            SsbConfig config, RunLayout layout, Configuration hadoop) {
        String setting = config.string(SsbProperties.EVAL_ADAPTER);
        if (setting.isBlank() || setting.equalsIgnoreCase(NO_ADAPTER)) {
            return Optional.empty();
        }
        if (setting.equalsIgnoreCase(AUTO_ADAPTER)) {
            String runAdapter = layout.tablePath(RUN_ADAPTER_DIR).toString();
            return StudentAdapter.exists(runAdapter, hadoop)
                    ? Optional.of(StudentAdapter.load(runAdapter, hadoop))
                    : Optional.empty();
        }
        return Optional.of(StudentAdapter.load(setting, hadoop));
    }

    private static Map<String, Long> counts(EvalSummary summary, long rows) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("problems", summary.models().values().iterator().next().problems());
        counts.put("samples", rows);
        summary.models()
                .forEach(
                        (tag, m) -> {
                            String prefix = tag.column() + "_";
                            counts.put(prefix + "samples", m.samples());
                            counts.put(
                                    prefix + "correct",
                                    Math.round(m.passAt1().estimate() * m.samples()));
                            counts.put(
                                    prefix + "majority_correct",
                                    Math.round(m.majority().estimate() * m.problems()));
                            counts.put(
                                    prefix + "strict_correct",
                                    Math.round(m.strictPassAt1().estimate() * m.samples()));
                            m.greedy()
                                    .ifPresent(
                                            g ->
                                                    counts.put(
                                                            prefix + "greedy_correct",
                                                            Math.round(
                                                                    g.passAt1().estimate()
                                                                            * g.problems())));
                        });
        return counts;
    }

    private static void write(Configuration hadoop, Path path, byte[] bytes) {
        try (OutputStream out = path.getFileSystem(hadoop).create(path, true)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + path, e);
        }
    }

    /** The Markdown summary of a committed evaluation (for printing). */
    public static String readSummary(SparkSession spark, Path markdown) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        try (var in = markdown.getFileSystem(hadoop).open(markdown)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + markdown, e);
        }
    }
}
