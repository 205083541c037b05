package dev.ssb.grpo;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.distill.DistillCheckpoints;
import dev.ssb.distill.DistillStage;
import dev.ssb.ingest.IngestStage;
import dev.ssb.stage.CheckpointSampling;
import dev.ssb.table.RunLayout;
import dev.ssb.table.StageOutput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The GRPO stage: the run's {@code problems} into a LoRA policy trained by reinforcement learning
 * with the verifier as reward. Writes the PEFT adapter to {@code <out>/<run-id>/grpo_adapter/}, one
 * {@code grpo_metrics} row per step, the plot {@code <out>/<run-id>/grpo/training.png} and
 * checkpoints under {@code <out>/<run-id>/grpo/checkpoints/} from which {@code --resume} continues
 * a killed run to the same final adapter.
 */
public final class GrpoStage {

    public static final String NAME = "grpo";
    public static final String GRPO_METRICS = "grpo_metrics";
    public static final String ADAPTER = "grpo_adapter";
    public static final String WORK_DIR = "grpo";
    public static final String PLOT = "training.png";

    /** The result keys the adapter depends on (beyond grpo.*). */
    private static final List<String> SHARED_KEYS =
            List.of(
                    "data.",
                    "model.",
                    "rollout.",
                    "distill.lora.",
                    SsbProperties.DISTILL_LR,
                    SsbProperties.DISTILL_WEIGHT_DECAY,
                    SsbProperties.DISTILL_MAX_GRAD_NORM,
                    SsbProperties.DISTILL_WARMUP_STEPS,
                    SsbProperties.DISTILL_SCHEDULE,
                    SsbProperties.PROMPTS_SYSTEM,
                    SsbProperties.SEED);

    private GrpoStage() {}

    /**
     * The keys the adapter depends on: grpo.*, the sampler (rollout.*), the model, the problems and
     * distill's LoRA and AdamW keys; operational keys (shards, logging, checkpoint cadence) never
     * count.
     */
    public static List<String> stageKeys() {
        return SsbProperties.all().keySet().stream()
                .filter(
                        k ->
                                Stream.concat(Stream.of("grpo."), SHARED_KEYS.stream())
                                        .anyMatch(k::startsWith))
                .filter(k -> SsbProperties.all().get(k).changesResults())
                .toList();
    }

    /** Runs grpo on the run's problems unless complete; see {@link StageOutput}. */
    public static StageOutput.Outcome run(
            SparkSession spark, SsbConfig config, boolean force, boolean resume) {
        return run(
                spark,
                config,
                new RunLayout(config.out(), config.runId()),
                force,
                resume,
                GrpoTrainer.StepListener.NONE);
    }

    /**
     * Runs grpo into the run of {@code config} on the problems table of another run ({@code data}):
     * how {@code ssb compare} trains it on the compare run's problems.
     */
    public static StageOutput.Outcome run(
            SparkSession spark, SsbConfig config, RunLayout data, boolean force) {
        return run(spark, config, data, force, false, GrpoTrainer.StepListener.NONE);
    }

    static StageOutput.Outcome run(
            SparkSession spark,
            SsbConfig unresolved,
            RunLayout data,
            boolean force,
            boolean resume,
            GrpoTrainer.StepListener listener) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        SsbConfig config = CheckpointSampling.resolve(unresolved, hadoop);
        RunLayout layout = new RunLayout(config.out(), config.runId());
        if (!data.isComplete(IngestStage.PROBLEMS, hadoop)) {
            throw new IllegalStateException(
                    "Cannot run grpo: table problems of run "
                            + data.runId()
                            + " is not complete (run ssb ingest first)");
        }
        GrpoSettings settings = GrpoSettings.from(config);
        String input = data.tablePath(IngestStage.PROBLEMS).toString();
        String stageHash =
                config.hash(stageKeys()) + (data.equals(layout) ? "" : "+input:" + input);
        StageOutput output = new StageOutput(spark, layout, NAME, List.of(GRPO_METRICS, ADAPTER));
        return output.run(
                config,
                stageHash,
                force,
                out -> {
                    org.apache.hadoop.fs.Path work =
                            new org.apache.hadoop.fs.Path(layout.runPath(), WORK_DIR);
                    GrpoTrainer trainer =
                            new GrpoTrainer(
                                    JavaSparkContext.fromSparkContext(spark.sparkContext()),
                                    settings,
                                    stageHash,
                                    new DistillCheckpoints(
                                            new org.apache.hadoop.fs.Path(work, "checkpoints"),
                                            hadoop),
                                    listener);
                    List<GrpoTasks.Problem> problems = problems(spark, input);
                    GrpoTrainer.Result result = trainer.train(problems, resume);
                    List<Row> rows =
                            result.metrics().stream()
                                    .map(
                                            m ->
                                                    m.toRow(
                                                            settings.train().runId(),
                                                            settings.train().configHash()))
                                    .toList();
                    out.writeTable(
                            GRPO_METRICS,
                            spark.createDataFrame(rows, GrpoMetrics.SCHEMA).coalesce(1));
                    DistillStage.writeAdapter(
                            result.adapter(),
                            layout.tablePath(ADAPTER),
                            config.modelName(),
                            hadoop);
                    DistillStage.writeBytes(
                            new org.apache.hadoop.fs.Path(work, PLOT),
                            GrpoPlot.png(result.metrics(), "grpo " + settings.train().runId()),
                            hadoop);
                    Map<String, Long> counts = new LinkedHashMap<>();
                    counts.put("problems", (long) problems.size());
                    counts.put("steps", (long) result.metrics().size());
                    counts.put(
                            "samples",
                            result.metrics().stream().mapToLong(GrpoMetrics::samples).sum());
                    counts.put(
                            "tokens",
                            result.metrics().stream().mapToLong(GrpoMetrics::tokens).sum());
                    counts.put(
                            "examples",
                            result.metrics().stream().mapToLong(GrpoMetrics::samples).sum());
                    counts.put("workers", (long) trainer.workers());
                    counts.put("trainable_parameters", result.adapter().parameterCount());
                    counts.put("resumed_from_step", (long) result.resumedFrom());
                    return new StageOutput.Result(List.of(input), result.modelId(), counts);
                });
    }

    /** The problems, sorted by id: the order {@link dev.ssb.distill.DataOrder} permutes. */
    private static List<GrpoTasks.Problem> problems(SparkSession spark, String input) {
        List<GrpoTasks.Problem> out = new ArrayList<>();
        for (Row r :
                spark.read()
                        .parquet(input)
                        .select("problem_id", "question", "gold_answer")
                        .orderBy("problem_id")
                        .collectAsList()) {
            out.add(new GrpoTasks.Problem(r.getString(0), r.getString(1), r.getString(2)));
        }
        return out;
    }
}
