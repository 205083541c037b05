package dev.ssb.grpo;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.distill.AdapterTrainer;
import dev.ssb.distill.TrainingStage;
import dev.ssb.ingest.IngestStage;
import dev.ssb.table.RunLayout;
import dev.ssb.table.StageOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
    public static final String PLOT = TrainingStage.PLOT;

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

    /** Its names, as its declaration in {@code dev.ssb.pipeline.Stages} shows them. */
    public static final TrainingStage.Tables TABLES =
            new TrainingStage.Tables(
                    NAME,
                    IngestStage.PROBLEMS,
                    "ingest",
                    GRPO_METRICS,
                    GrpoMetrics.SCHEMA,
                    ADAPTER,
                    WORK_DIR);

    private static final TrainingStage<GrpoSettings, GrpoMetrics, GrpoTrainer> STAGE =
            new TrainingStage<>(
                    TABLES,
                    Stream.concat(Stream.of("grpo."), SHARED_KEYS.stream()).toList(),
                    GrpoSettings::from,
                    GrpoTrainer::new,
                    GrpoStage::train,
                    GrpoMetrics::toRow,
                    GrpoPlot::png);

    private GrpoStage() {}

    /**
     * The keys the adapter depends on: grpo.*, the sampler (rollout.*), the model, the problems and
     * distill's LoRA and AdamW keys; operational keys (shards, logging, checkpoint cadence) never
     * count.
     */
    public static List<String> stageKeys() {
        return STAGE.stageKeys();
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
                AdapterTrainer.StepListener.none());
    }

    /**
     * Runs grpo into the run of {@code config} on the problems table of another run ({@code data}):
     * how {@code ssb compare} trains it on the compare run's problems.
     */
    public static StageOutput.Outcome run(
            SparkSession spark, SsbConfig config, RunLayout data, boolean force) {
        return run(spark, config, data, force, false, AdapterTrainer.StepListener.none());
    }

    static StageOutput.Outcome run(
            SparkSession spark,
            SsbConfig unresolved,
            RunLayout data,
            boolean force,
            boolean resume,
            AdapterTrainer.StepListener<GrpoMetrics> listener) {
        return STAGE.run(spark, unresolved, data, force, resume, listener);
    }

    private static AdapterTrainer.Result<GrpoMetrics> train(
            SparkSession spark,
            String input,
            GrpoSettings settings,
            GrpoTrainer trainer,
            boolean resume,
            Map<String, Long> counts) {
        List<GrpoTasks.Problem> problems = problems(spark, input);
        AdapterTrainer.Result<GrpoMetrics> result = trainer.train(problems, resume);
        long samples = result.metrics().stream().mapToLong(GrpoMetrics::samples).sum();
        counts.put("problems", (long) problems.size());
        counts.put("steps", (long) result.metrics().size());
        counts.put("samples", samples);
        counts.put("tokens", result.metrics().stream().mapToLong(GrpoMetrics::tokens).sum());
        counts.put("examples", samples);
        return result;
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
