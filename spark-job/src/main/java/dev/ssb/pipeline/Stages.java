package dev.ssb.pipeline;

import dev.ssb.accept.AcceptRounds;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.curate.CurateSettings;
import dev.ssb.curate.CurateStage;
import dev.ssb.distill.DistillSettings;
import dev.ssb.distill.DistillStage;
import dev.ssb.distill.TrainingStage;
import dev.ssb.eval.EvalTables;
import dev.ssb.eval.EvaluateStage;
import dev.ssb.grpo.GrpoSettings;
import dev.ssb.grpo.GrpoStage;
import dev.ssb.ingest.IngestStage;
import dev.ssb.logits.LogitsSettings;
import dev.ssb.logits.TeacherLogitsStage;
import dev.ssb.rollout.RolloutStage;
import dev.ssb.stage.CheckpointSampling;
import dev.ssb.stage.SampleSettings;
import dev.ssb.stage.Stage;
import dev.ssb.stage.StagePlan;
import dev.ssb.stage.StageRun;
import dev.ssb.table.Manifest;
import dev.ssb.table.RunLayout;
import dev.ssb.table.StageOutput;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The stages of SSB, each declared once, in the order they run. The stage commands ({@code ssb
 * <stage>} and their {@code --dry-run}), {@code ssb run}, {@code ssb stages --json} and the Airflow
 * DAG (through {@code conf/airflow/ssb_stages.json}) are derived from this list. Adding a stage is
 * one declaration here plus its body (for a model stage, a {@link dev.ssb.stage.ModelPartition}
 * work).
 */
public final class Stages {

    public static final Stage INGEST =
            new Stage(
                    IngestStage.NAME,
                    List.of(
                            "Reads GSM8K / MATH / AIME-shaped JSONL or Parquet into"
                                    + " <out>/<run-id>/problems and <out>/<run-id>/rejected (bad"
                                    + " rows with line number and reason).",
                            "Example: ssb ingest --problems data.jsonl --out runs --run-id r1"),
                    List.of(),
                    List.of(IngestStage.PROBLEMS, IngestStage.REJECTED),
                    IngestStage.CONFIG_PREFIXES,
                    List.of(SsbProperties.DATA_PROBLEMS),
                    Map.of(),
                    Set.of(),
                    config -> config,
                    run -> IngestStage.run(run.spark(), run.config(), run.force()),
                    Stage.Planner.DECLARED,
                    (stage, out, spark, config, outcome) ->
                            stage.printOutcome(
                                    out,
                                    config,
                                    outcome,
                                    String.format(
                                            "%d input rows -> %d problems, %d rejected",
                                            outcome.manifest().count("input_rows"),
                                            outcome.manifest().count(IngestStage.PROBLEMS),
                                            outcome.manifest().count(IngestStage.REJECTED))));

    public static final Stage ROLLOUT =
            Stage.of(
                    RolloutStage.NAME,
                    List.of(
                            "Samples rollout.samples solutions per problem of"
                                    + " <out>/<run-id>/problems with the base model and writes"
                                    + " them, verified, to <out>/<run-id>/rollouts.",
                            "With data.accept_target=N: draws the problems in a seeded order, in"
                                    + " rounds, rolling out and curating each round (hinted teacher"
                                    + " included), until N are accepted or the problems end; keeps"
                                    + " the rollouts of that selection, and its teacher contexts"
                                    + " for curate in <out>/<run-id>/accept/.",
                            "Example: ssb rollout --out runs --run-id r1 --set rollout.samples=4"),
                    List.of(IngestStage.PROBLEMS),
                    List.of(RolloutStage.ROLLOUTS),
                    RolloutStage.CONFIG_PREFIXES,
                    SampleSettings::rollout,
                    run ->
                            AcceptRounds.enabled(run.config())
                                    ? run.commit(
                                            AcceptRounds.rolloutHash(run.config()),
                                            AcceptRounds::rollouts)
                                    : run.commit(RolloutStage::write));

    public static final Stage CURATE =
            Stage.of(
                    CurateStage.NAME,
                    List.of(
                            "Picks one correct and the most common wrong rollout per problem and"
                                    + " has the hinted teacher write a robust solution into"
                                    + " <out>/<run-id>/teacher_contexts (one row per problem:"
                                    + " accepted, or the reason it was dropped).",
                            "Example: ssb curate --out runs --run-id r1 --set"
                                    + " teacher.temperature=0.4"),
                    List.of(IngestStage.PROBLEMS, RolloutStage.ROLLOUTS),
                    List.of(CurateStage.TEACHER_CONTEXTS),
                    CurateStage.CONFIG_PREFIXES,
                    CurateSettings::from,
                    run ->
                            run.commit(
                                    AcceptRounds.enabled(run.config())
                                            ? AcceptRounds::contexts
                                            : CurateStage::write));

    public static final Stage TEACHER_LOGITS =
            Stage.of(
                    TeacherLogitsStage.NAME,
                    List.of(
                            "Stores the teacher's top-k next-token distributions over each"
                                    + " accepted robust solution in <out>/<run-id>/teacher_logits.",
                            "Example: ssb teacher-logits --out runs --run-id r1 --set"
                                    + " logits.top_k=20"),
                    List.of(CurateStage.TEACHER_CONTEXTS),
                    List.of(TeacherLogitsStage.TEACHER_LOGITS),
                    TeacherLogitsStage.CONFIG_PREFIXES,
                    LogitsSettings::from,
                    run -> run.commit(TeacherLogitsStage::write));

    public static final Stage DISTILL =
            training(
                    DistillStage.TABLES,
                    DistillStage.stageKeys(),
                    List.of(
                            "Distills a LoRA student on <out>/<run-id>/teacher_logits"
                                    + " (driver-coordinated: each step the executors compute"
                                    + " gradients of their shard of the global batch). Writes the"
                                    + " PEFT adapter to <out>/<run-id>/adapter, one row per step to"
                                    + " <out>/<run-id>/train_metrics, the plot"
                                    + " <out>/<run-id>/distill/training.png and checkpoints every"
                                    + " distill.checkpoint_every steps.",
                            "Example: ssb distill --out runs --run-id r1 --set distill.epochs=3",
                            "After a crash: ssb distill --out runs --run-id r1 --resume"),
                    DistillSettings::from,
                    Stages::distill);

    public static final Stage EVALUATE =
            new Stage(
                    EvaluateStage.NAME,
                    List.of(
                            "Evaluates the base model and, with an adapter, base + student on a"
                                    + " held-out set (GSM8K / MATH / AIME-shaped JSONL or Parquet,"
                                    + " ingested into <out>/<run-id>/eval_problems):"
                                    + " eval.samples samples per problem with the same prompts and"
                                    + " seeds for both, and one greedy reply per problem"
                                    + " (temperature 0): greedy pass@1, sampled pass@1 and maj@n,"
                                    + " each also under the strict verdict (exact match after"
                                    + " light normalisation), with 95% intervals and the paired"
                                    + " difference student - base. Writes"
                                    + " <out>/<run-id>/eval/samples (Parquet), eval/summary.json"
                                    + " and eval/summary.md, and prints the table.",
                            "Example: ssb evaluate --problems data/math500_test.jsonl --out runs"
                                    + " --run-id r1 --tag math500"),
                    List.of(),
                    evalTables(EvalTables.of("")),
                    EvaluateStage.CONFIG_PREFIXES,
                    List.of(SsbProperties.EVAL_PROBLEMS),
                    Map.of(SsbProperties.EVAL_ADAPTER, "DIR", SsbProperties.EVAL_TAG, "NAME"),
                    Set.of(Stage.Trait.MODEL, Stage.Trait.OPTIONAL),
                    SampleSettings::evaluation,
                    run -> EvaluateStage.run(run.spark(), run.config(), run.force()).stage(),
                    (declared, config, resume) -> EvaluatePlan.of(config),
                    Stages::printEvaluation);

    public static final Stage GRPO =
            training(
                    GrpoStage.TABLES,
                    GrpoStage.stageKeys(),
                    List.of(
                            "Trains a LoRA policy on <out>/<run-id>/problems with GRPO, the"
                                    + " reinforcement-learning baseline: each step samples"
                                    + " grpo.group_size replies for each of grpo.problems_per_step"
                                    + " problems on the executors, rewards the verified-correct"
                                    + " ones, and takes grpo.mu clipped policy-gradient updates"
                                    + " with distill's LoRA and AdamW keys. Writes the PEFT"
                                    + " adapter to <out>/<run-id>/grpo_adapter, one row per step"
                                    + " to <out>/<run-id>/grpo_metrics, the plot"
                                    + " <out>/<run-id>/grpo/training.png and checkpoints every"
                                    + " distill.checkpoint_every steps. Not part of ssb run.",
                            "Example: ssb grpo --out runs --run-id r1 --set grpo.steps=50",
                            "After a crash: ssb grpo --out runs --run-id r1 --resume"),
                    GrpoSettings::from,
                    run -> GrpoStage.run(run.spark(), run.config(), run.force(), run.resume()));

    /** Every stage of {@code ssb run} (and the Airflow DAG), in pipeline order. */
    public static final List<Stage> ALL =
            List.of(INGEST, ROLLOUT, CURATE, TEACHER_LOGITS, DISTILL, EVALUATE);

    /** Every stage with a command: the pipeline's, then the baselines run on their own. */
    public static final List<Stage> COMMANDS =
            java.util.stream.Stream.concat(ALL.stream(), Stream.of(GRPO)).toList();

    private Stages() {}

    /**
     * A stage that trains an adapter ({@link TrainingStage}): resumable from its checkpoints, which
     * its dry run names with what {@code --resume} does with them.
     */
    private static Stage training(
            TrainingStage.Tables tables,
            List<String> resultKeys,
            List<String> description,
            Function<SsbConfig, ?> settings,
            Stage.Runner runner) {
        return new Stage(
                tables.name(),
                description,
                List.of(tables.input()),
                List.of(tables.metrics(), tables.adapter()),
                resultKeys,
                List.of(),
                Map.of(),
                Set.of(Stage.Trait.MODEL, Stage.Trait.RESUMABLE),
                settings,
                runner,
                (declared, config, resume) ->
                        declared.get()
                                .writes("checkpoints", tables.workDir() + "/checkpoints")
                                .note(
                                        resume
                                                ? "--resume: continues from the newest checkpoint"
                                                        + " there, if any"
                                                : "without --resume an unfinished run starts"
                                                        + " over"),
                Stage.Reporter.OUTCOME);
    }

    /** The declaration named {@code name}. */
    public static Optional<Stage> named(String name) {
        return COMMANDS.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The stage that writes {@code table} (the stage itself for one no stage declares). */
    public static String producer(String table) {
        return ALL.stream()
                .filter(s -> s.outputs().contains(table))
                .map(Stage::name)
                .findFirst()
                .orElse(table);
    }

    /**
     * Runs {@code stage} for {@code config} with its auto sampling keys resolved against the
     * checkpoint ({@link CheckpointSampling}): a no-op when its outputs are complete.
     */
    public static StageOutput.Outcome run(
            Stage stage, SparkSession spark, SsbConfig config, boolean force, boolean resume) {
        SsbConfig resolved =
                CheckpointSampling.resolve(config, spark.sparkContext().hadoopConfiguration());
        return stage.runner()
                .run(new StageRun(stage, spark, resolved, force, resume, Stages::producer));
    }

    /**
     * The dry-run plan of {@code stage}: its settings validated, then what it would read and write.
     */
    public static StagePlan plan(Stage stage, SsbConfig unresolved, boolean resume) {
        SsbConfig config =
                CheckpointSampling.resolve(unresolved, new org.apache.hadoop.conf.Configuration());
        stage.settings().apply(config); // validates the stage's keys and reads its prompt files
        return stage.plan().plan(() -> declaredPlan(stage, config), config, resume);
    }

    private static StagePlan declaredPlan(Stage stage, SsbConfig config) {
        StagePlan plan = new StagePlan(stage.name(), config);
        if (stage.has(Stage.Trait.MODEL)) {
            plan.model(config);
        }
        for (String key : stage.paths()) {
            plan.readsPath(key, config.string(key));
        }
        for (String table : stage.inputs()) {
            plan.readsTable(table, producer(table));
        }
        for (String table : stage.outputs()) {
            plan.writesTable(table);
        }
        return plan;
    }

    /** Distill refuses a run whose curate accepted nothing, naming curate's counts. */
    private static StageOutput.Outcome distill(StageRun run) {
        RunLayout layout = run.layout();
        var hadoop = run.spark().sparkContext().hadoopConfiguration();
        Optional<Manifest> logits = layout.manifest(TeacherLogitsStage.TEACHER_LOGITS, hadoop);
        if (logits.isPresent()
                && logits.get().counts().getOrDefault(TeacherLogitsStage.TEACHER_LOGITS, 0L) == 0) {
            throw new IllegalStateException(
                    String.format(
                            "Cannot distill run %s: curate accepted no problem (%s); use more"
                                    + " problems or rollout.samples, or a base model that solves"
                                    + " some but not all of them",
                            run.config().runId(),
                            layout.manifest(CurateStage.TEACHER_CONTEXTS, hadoop)
                                    .map(Manifest::counts)
                                    .orElse(Map.of())));
        }
        return DistillStage.run(run.spark(), run.config(), run.force(), run.resume());
    }

    private static List<String> evalTables(EvalTables tables) {
        return List.of(tables.problems(), tables.rejected(), tables.samples());
    }

    private static void printEvaluation(
            Stage stage,
            java.io.PrintWriter out,
            SparkSession spark,
            SsbConfig config,
            StageOutput.Outcome outcome) {
        org.apache.hadoop.fs.Path json = EvaluateStage.summaryJson(config);
        org.apache.hadoop.fs.Path markdown = EvaluateStage.summaryMarkdown(config);
        out.printf(
                "evaluate %s: %s%n%n",
                outcome.skipped() ? "already complete (use --force to redo)" : "done",
                outcome.manifest().counts());
        out.println(EvaluateStage.readSummary(spark, markdown).strip());
        out.printf("%n  %s%n  %s%n", json, markdown);
        out.flush();
    }
}
