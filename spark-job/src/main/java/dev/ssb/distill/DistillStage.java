package dev.ssb.distill;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.logits.TeacherLogitsStage;
import dev.ssb.stage.CheckpointSampling;
import dev.ssb.table.RunLayout;
import dev.ssb.table.StageOutput;
import dev.ssb.worker.api.LoraAdapter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The distillation stage: {@code teacher_logits} into a LoRA student. Writes the PEFT adapter to
 * {@code <out>/<run-id>/adapter/}, one {@code train_metrics} row per step, the plot {@code
 * <out>/<run-id>/distill/training.png}, and checkpoints under {@code
 * <out>/<run-id>/distill/checkpoints/} from which {@code --resume} continues a killed run to the
 * same final adapter.
 */
public final class DistillStage {

    public static final String NAME = "distill";
    public static final String TEACHER_LOGITS = TeacherLogitsStage.TEACHER_LOGITS;
    public static final String TRAIN_METRICS = "train_metrics";
    public static final String ADAPTER = "adapter";
    public static final String WORK_DIR = "distill";
    public static final String PLOT = "training.png";

    /**
     * The columns distill reads from {@code teacher_logits} (a subset of {@link
     * TeacherLogitsStage#TEACHER_LOGITS_SCHEMA}).
     */
    public static final StructType INPUT_SCHEMA =
            new StructType()
                    .add("problem_id", DataTypes.StringType)
                    .add("student_prompt_ids", DataTypes.createArrayType(DataTypes.IntegerType))
                    .add("reply_ids", DataTypes.createArrayType(DataTypes.IntegerType))
                    .add("topk_ids", DataTypes.createArrayType(DataTypes.IntegerType))
                    .add("topk_logits", DataTypes.createArrayType(DataTypes.FloatType))
                    .add("logsumexp", DataTypes.createArrayType(DataTypes.FloatType))
                    .add("k", DataTypes.IntegerType)
                    .add("temperature", DataTypes.FloatType);

    private DistillStage() {}

    /**
     * The keys the adapter depends on: the result keys of the teacher logits and {@code distill.*}
     * (operational ones such as the shard count, logging and checkpoint cadence may change between
     * attempts of one run; see {@link dev.ssb.config.ConfigKey.Effect}).
     */
    public static List<String> stageKeys() {
        return SsbProperties.all().keySet().stream()
                .filter(
                        k ->
                                k.startsWith("distill.")
                                        || TeacherLogitsStage.CONFIG_PREFIXES.stream()
                                                .anyMatch(k::startsWith))
                .filter(k -> SsbProperties.all().get(k).changesResults())
                .toList();
    }

    /** Runs distill on the run's teacher_logits unless complete; see {@link StageOutput}. */
    public static StageOutput.Outcome run(
            SparkSession spark, SsbConfig config, boolean force, boolean resume) {
        return run(spark, config, force, resume, DistillTrainer.StepListener.NONE);
    }

    /**
     * Runs distill into the run of {@code config} on the teacher_logits-shaped table of another run
     * ({@code data}): how {@code ssb compare} trains every method on one run's tables. The input's
     * path is part of the stage hash.
     */
    public static StageOutput.Outcome run(
            SparkSession spark, SsbConfig config, RunLayout data, boolean force) {
        return run(spark, config, data, force, false, DistillTrainer.StepListener.NONE);
    }

    static StageOutput.Outcome run(
            SparkSession spark,
            SsbConfig unresolved,
            boolean force,
            boolean resume,
            DistillTrainer.StepListener listener) {
        return run(
                spark,
                unresolved,
                new RunLayout(unresolved.out(), unresolved.runId()),
                force,
                resume,
                listener);
    }

    private static StageOutput.Outcome run(
            SparkSession spark,
            SsbConfig unresolved,
            RunLayout data,
            boolean force,
            boolean resume,
            DistillTrainer.StepListener listener) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        // its hash covers rollout.*: the values the earlier stages used
        SsbConfig config = CheckpointSampling.resolve(unresolved, hadoop);
        RunLayout layout = new RunLayout(config.out(), config.runId());
        if (!data.isComplete(TEACHER_LOGITS, hadoop)) {
            throw new IllegalStateException(
                    "Cannot run distill: table teacher_logits of run "
                            + data.runId()
                            + " is not complete (run ssb teacher-logits first)");
        }
        DistillSettings settings = DistillSettings.from(config);
        String stageHash =
                config.hash(stageKeys())
                        + (data.equals(layout) ? "" : "+input:" + data.tablePath(TEACHER_LOGITS));
        StageOutput output = new StageOutput(spark, layout, NAME, List.of(TRAIN_METRICS, ADAPTER));
        return output.run(
                config,
                stageHash,
                force,
                out -> {
                    String input = data.tablePath(TEACHER_LOGITS).toString();
                    org.apache.hadoop.fs.Path work =
                            new org.apache.hadoop.fs.Path(layout.runPath(), WORK_DIR);
                    DistillTrainer trainer =
                            new DistillTrainer(
                                    JavaSparkContext.fromSparkContext(spark.sparkContext()),
                                    settings,
                                    stageHash,
                                    new DistillCheckpoints(
                                            new org.apache.hadoop.fs.Path(work, "checkpoints"),
                                            hadoop),
                                    listener);
                    DistillTrainer.Result result;
                    int examples;
                    // the executors read teacher_logits; the driver sees only its problem ids
                    try (TrainData train = TrainData.load(spark.read().parquet(input), settings)) {
                        examples = train.size();
                        result = trainer.train(train, resume);
                    }
                    List<Row> rows =
                            result.metrics().stream()
                                    .map(m -> m.toRow(settings.runId(), settings.configHash()))
                                    .toList();
                    out.writeTable(
                            TRAIN_METRICS,
                            spark.createDataFrame(rows, StepMetrics.SCHEMA).coalesce(1));
                    writeAdapter(
                            result.adapter(),
                            layout.tablePath(ADAPTER),
                            config.modelName(),
                            hadoop);
                    writeBytes(
                            new org.apache.hadoop.fs.Path(work, PLOT),
                            TrainingPlot.png(result.metrics(), "distill " + settings.runId()),
                            hadoop);
                    Map<String, Long> counts = new LinkedHashMap<>();
                    counts.put("examples", (long) examples);
                    counts.put("epochs", (long) settings.epochs());
                    counts.put("steps", (long) result.metrics().size());
                    counts.put(
                            "tokens",
                            result.metrics().stream().mapToLong(StepMetrics::tokens).sum());
                    counts.put("workers", (long) trainer.workers());
                    counts.put("trainable_parameters", result.adapter().parameterCount());
                    counts.put("resumed_from_step", (long) result.resumedFrom());
                    return new StageOutput.Result(List.of(input), result.modelId(), counts);
                });
    }

    /** Writes {@code adapter} (PEFT) to {@code target} on any Hadoop file system, atomically. */
    public static void writeAdapter(
            LoraAdapter adapter,
            org.apache.hadoop.fs.Path target,
            String baseModelName,
            Configuration hadoop) {
        Path local = DistillCheckpoints.tempDir();
        try {
            Path dir = local.resolve(ADAPTER);
            adapter.save(dir, baseModelName);
            FileSystem fs = target.getFileSystem(hadoop);
            org.apache.hadoop.fs.Path tmp =
                    new org.apache.hadoop.fs.Path(
                            target.getParent(), "_tmp-adapter-" + UUID.randomUUID());
            fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(dir.toUri()), tmp);
            fs.delete(target, true);
            if (!fs.rename(tmp, target)) {
                throw new IOException("rename of " + tmp + " to " + target + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write adapter " + target, e);
        } finally {
            DistillCheckpoints.deleteLocal(local);
        }
    }

    /** Writes {@code bytes} to {@code path} on any Hadoop file system. */
    public static void writeBytes(
            org.apache.hadoop.fs.Path path, byte[] bytes, Configuration hadoop) {
        try (OutputStream out = path.getFileSystem(hadoop).create(path, true)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + path, e);
        }
    }
}
