package dev.ssb.distill;

import dev.ssb.config.SsbConfig;
import dev.ssb.logits.TeacherLogitsStage;
import dev.ssb.table.RunLayout;
import dev.ssb.table.StageOutput;
import dev.ssb.worker.api.LoraAdapter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
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
    public static final String PLOT = TrainingStage.PLOT;

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

    /** Its names, as its declaration in {@code dev.ssb.pipeline.Stages} shows them. */
    public static final TrainingStage.Tables TABLES =
            new TrainingStage.Tables(
                    NAME,
                    TEACHER_LOGITS,
                    "teacher-logits",
                    TRAIN_METRICS,
                    StepMetrics.SCHEMA,
                    ADAPTER,
                    WORK_DIR);

    private static final TrainingStage<DistillSettings, StepMetrics, DistillTrainer> STAGE =
            new TrainingStage<>(
                    TABLES,
                    Stream.concat(
                                    Stream.of("distill."),
                                    TeacherLogitsStage.CONFIG_PREFIXES.stream())
                            .toList(),
                    DistillSettings::from,
                    DistillTrainer::new,
                    DistillStage::train,
                    StepMetrics::toRow,
                    TrainingPlot::png);

    private DistillStage() {}

    /**
     * The keys the adapter depends on: the result keys of the teacher logits and {@code distill.*}
     * (operational ones such as the shard count, logging and checkpoint cadence may change between
     * attempts of one run; see {@link dev.ssb.config.ConfigKey.Effect}).
     */
    public static List<String> stageKeys() {
        return STAGE.stageKeys();
    }

    /** Runs distill on the run's teacher_logits unless complete; see {@link StageOutput}. */
    public static StageOutput.Outcome run(
            SparkSession spark, SsbConfig config, boolean force, boolean resume) {
        return run(spark, config, force, resume, AdapterTrainer.StepListener.none());
    }

    /**
     * Runs distill into the run of {@code config} on the teacher_logits-shaped table of another run
     * ({@code data}): how {@code ssb compare} trains every method on one run's tables. The input's
     * path is part of the stage hash.
     */
    public static StageOutput.Outcome run(
            SparkSession spark, SsbConfig config, RunLayout data, boolean force) {
        return STAGE.run(spark, config, data, force, false, AdapterTrainer.StepListener.none());
    }

    static StageOutput.Outcome run(
            SparkSession spark,
            SsbConfig unresolved,
            boolean force,
            boolean resume,
            AdapterTrainer.StepListener<StepMetrics> listener) {
        return STAGE.run(
                spark,
                unresolved,
                new RunLayout(unresolved.out(), unresolved.runId()),
                force,
                resume,
                listener);
    }

    private static AdapterTrainer.Result<StepMetrics> train(
            SparkSession spark,
            String input,
            DistillSettings settings,
            DistillTrainer trainer,
            boolean resume,
            Map<String, Long> counts) {
        AdapterTrainer.Result<StepMetrics> result;
        // the executors read teacher_logits; the driver sees only its problem ids
        try (TrainData train = TrainData.load(spark.read().parquet(input), settings)) {
            counts.put("examples", (long) train.size());
            result = trainer.train(train, resume);
        }
        counts.put("epochs", (long) settings.epochs());
        counts.put("steps", (long) result.metrics().size());
        counts.put("tokens", result.metrics().stream().mapToLong(StepMetrics::tokens).sum());
        return result;
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
