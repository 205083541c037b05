package dev.ssb.distill;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.stage.CheckpointSampling;
import dev.ssb.table.RunLayout;
import dev.ssb.table.StageOutput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The driver shared by the stages that train a LoRA adapter (distill, grpo): checks the input
 * table, builds the trainer with checkpoints under {@code <out>/<run-id>/<work-dir>/checkpoints/},
 * trains, and writes one metrics row per step, the PEFT adapter, the plot {@code
 * <work-dir>/training.png} and the manifest counts. A stage supplies its names, settings, trainer,
 * input reading, metrics rows and plot.
 *
 * @param <S> the stage's settings
 * @param <M> one step's metrics
 * @param <T> the stage's trainer
 */
public final class TrainingStage<S, M, T extends AdapterTrainer<?, M>> {

    public static final String PLOT = "training.png";

    /**
     * A training stage's names.
     *
     * @param name the stage
     * @param input the table it reads
     * @param inputCommand the command that writes {@code input}
     * @param metrics the table of its step metrics
     * @param metricsSchema that table's schema
     * @param adapter the folder of its adapter in the run
     * @param workDir the folder of its checkpoints and plot in the run
     */
    public record Tables(
            String name,
            String input,
            String inputCommand,
            String metrics,
            StructType metricsSchema,
            String adapter,
            String workDir) {
        public Tables {
            requireNonNull(name, "name is null");
            requireNonNull(input, "input is null");
            requireNonNull(inputCommand, "inputCommand is null");
            requireNonNull(metrics, "metrics is null");
            requireNonNull(metricsSchema, "metricsSchema is null");
            requireNonNull(adapter, "adapter is null");
            requireNonNull(workDir, "workDir is null");
        }
    }

    /** Builds a stage's trainer: its constructor. */
    @FunctionalInterface
    public interface Trainers<S, M, T> {
        T create(
                JavaSparkContext jsc,
                S settings,
                String stageHash,
                DistillCheckpoints checkpoints,
                AdapterTrainer.StepListener<M> listener);
    }

    /** Reads the input table and trains on it, putting the stage's own manifest counts. */
    @FunctionalInterface
    public interface Training<S, M, T> {
        AdapterTrainer.Result<M> train(
                SparkSession spark,
                String input,
                S settings,
                T trainer,
                boolean resume,
                Map<String, Long> counts);
    }

    /** One step's metrics as a row of the metrics table, with the run columns. */
    @FunctionalInterface
    public interface Rows<M> {
        Row toRow(M metrics, String runId, String configHash);
    }

    private final Tables tables;
    private final List<String> keyPrefixes;
    private final Function<SsbConfig, S> settings;
    private final Trainers<S, M, T> trainers;
    private final Training<S, M, T> training;
    private final Rows<M> rows;
    private final BiFunction<List<M>, String, byte[]> plot;

    /**
     * @param keyPrefixes the configuration keys (or their prefixes) the adapter may depend on
     * @param settings the stage's settings from the resolved configuration
     * @param plot the training plot (PNG) of the metrics, with a title
     */
    public TrainingStage(
            Tables tables,
            List<String> keyPrefixes,
            Function<SsbConfig, S> settings,
            Trainers<S, M, T> trainers,
            Training<S, M, T> training,
            Rows<M> rows,
            BiFunction<List<M>, String, byte[]> plot) {
        this.tables = requireNonNull(tables, "tables is null");
        this.keyPrefixes = List.copyOf(keyPrefixes);
        this.settings = requireNonNull(settings, "settings is null");
        this.trainers = requireNonNull(trainers, "trainers is null");
        this.training = requireNonNull(training, "training is null");
        this.rows = requireNonNull(rows, "rows is null");
        this.plot = requireNonNull(plot, "plot is null");
    }

    /**
     * The keys the adapter depends on: those under the stage's key prefixes that change results
     * (operational ones such as the shard count, logging and checkpoint cadence may change between
     * attempts of one run; see {@link dev.ssb.config.ConfigKey.Effect}).
     */
    public List<String> stageKeys() {
        return SsbProperties.all().keySet().stream()
                .filter(k -> keyPrefixes.stream().anyMatch(k::startsWith))
                .filter(k -> SsbProperties.all().get(k).changesResults())
                .toList();
    }

    /**
     * Runs the stage into the run of {@code unresolved} on the input table of run {@code data}
     * unless complete; see {@link StageOutput}. When {@code data} is another run, the input's path
     * is part of the stage hash.
     */
    public StageOutput.Outcome run(
            SparkSession spark,
            SsbConfig unresolved,
            RunLayout data,
            boolean force,
            boolean resume,
            AdapterTrainer.StepListener<M> listener) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        // its hash covers rollout.*: the values the earlier stages used
        SsbConfig config = CheckpointSampling.resolve(unresolved, hadoop);
        RunLayout layout = new RunLayout(config.out(), config.runId());
        if (!data.isComplete(tables.input(), hadoop)) {
            throw new IllegalStateException(
                    String.format(
                            "Cannot run %s: table %s of run %s is not complete (run ssb %s"
                                    + " first)",
                            tables.name(), tables.input(), data.runId(), tables.inputCommand()));
        }
        S stageSettings = settings.apply(config);
        String input = data.tablePath(tables.input()).toString();
        String stageHash =
                config.hash(stageKeys()) + (data.equals(layout) ? "" : "+input:" + input);
        StageOutput output =
                new StageOutput(
                        spark, layout, tables.name(), List.of(tables.metrics(), tables.adapter()));
        return output.run(
                config,
                stageHash,
                force,
                out -> {
                    Path work = new Path(layout.runPath(), tables.workDir());
                    T trainer =
                            trainers.create(
                                    JavaSparkContext.fromSparkContext(spark.sparkContext()),
                                    stageSettings,
                                    stageHash,
                                    new DistillCheckpoints(new Path(work, "checkpoints"), hadoop),
                                    listener);
                    Map<String, Long> counts = new LinkedHashMap<>();
                    AdapterTrainer.Result<M> result =
                            training.train(spark, input, stageSettings, trainer, resume, counts);
                    // the settings' run columns: the run id and the whole configuration's hash
                    List<Row> table =
                            result.metrics().stream()
                                    .map(m -> rows.toRow(m, config.runId(), config.hash()))
                                    .toList();
                    out.writeTable(
                            tables.metrics(),
                            spark.createDataFrame(table, tables.metricsSchema()).coalesce(1));
                    DistillStage.writeAdapter(
                            result.adapter(),
                            layout.tablePath(tables.adapter()),
                            config.modelName(),
                            hadoop);
                    DistillStage.writeBytes(
                            new Path(work, PLOT),
                            plot.apply(result.metrics(), tables.name() + " " + config.runId()),
                            hadoop);
                    counts.put("workers", (long) trainer.workers());
                    counts.put("trainable_parameters", result.adapter().parameterCount());
                    counts.put("resumed_from_step", (long) result.resumedFrom());
                    return new StageOutput.Result(List.of(input), result.modelId(), counts);
                });
    }
}
