package dev.ssb.pipeline;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.curate.CurateStage;
import dev.ssb.distill.DistillStage;
import dev.ssb.eval.EvaluateStage;
import dev.ssb.ingest.IngestStage;
import dev.ssb.logits.TeacherLogitsStage;
import dev.ssb.rollout.RolloutStage;
import dev.ssb.table.RunLayout;
import dev.ssb.table.StageOutput;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ssb run}: ingest → rollout → curate → teacher-logits → distill → evaluate for one resolved
 * configuration, repeated over rounds. Each stage is a no-op when its tables are already complete,
 * so running again (with {@code resume} passed to distill) continues a killed run without
 * recomputing finished stages. Round r ≥ 2 is stored as run {@code <run-id>-round<r>} and starts
 * from the merged student of round r − 1 ({@code <out>/<run-id of r−1>/student-merged/}).
 */
public final class RunPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(RunPipeline.class);

    /** The folder, inside a round's run folder, of its student merged into a full checkpoint. */
    public static final String MERGED = "student-merged";

    /** The stages in the order they run. */
    public static final List<String> STAGES =
            List.of(
                    IngestStage.NAME,
                    RolloutStage.NAME,
                    CurateStage.NAME,
                    TeacherLogitsStage.NAME,
                    DistillStage.NAME,
                    EvaluateStage.NAME);

    /**
     * What one stage of one round did.
     *
     * @param skipped true when the stage was already complete (nothing recomputed)
     * @param counts the manifest's counts; empty when the stage did not run (evaluate without
     *     eval.problems)
     */
    public record StageReport(
            int round, String runId, String stage, boolean skipped, Map<String, Long> counts) {
        public StageReport {
            if (round < 1) {
                throw new IllegalArgumentException("Invalid round: " + round + " (must be >= 1)");
            }
            requireNonNull(runId, "runId is null");
            requireNonNull(stage, "stage is null");
            counts =
                    Collections.unmodifiableMap(
                            new LinkedHashMap<>(requireNonNull(counts, "counts is null")));
        }
    }

    /**
     * One round: its configuration (run id and base checkpoint), its stages, its evaluation summary
     * (when evaluated) and the merged student (when a further round follows).
     */
    public record Round(
            int round,
            SsbConfig config,
            List<StageReport> stages,
            Optional<Path> summaryMarkdown,
            Optional<Path> mergedStudent) {
        public Round {
            if (round < 1) {
                throw new IllegalArgumentException("Invalid round: " + round + " (must be >= 1)");
            }
            requireNonNull(config, "config is null");
            stages = List.copyOf(stages);
            requireNonNull(summaryMarkdown, "summaryMarkdown is null");
            requireNonNull(mergedStudent, "mergedStudent is null");
        }
    }

    private RunPipeline() {}

    /** The configuration of round {@code round} (1-based) of the run configured by {@code base}. */
    public static SsbConfig roundConfig(SsbConfig base, int round) {
        if (round < 1) {
            throw new IllegalArgumentException("Invalid round: " + round + " (must be >= 1)");
        }
        if (round == 1) {
            return base;
        }
        SsbConfig previous = roundConfig(base, round - 1);
        return base.with(SsbProperties.RUN_ID, base.runId() + "-round" + round)
                .with(SsbProperties.MODEL_CHECKPOINT, mergedPath(previous).toString());
    }

    /** Where the merged student of the round configured by {@code config} is written. */
    public static Path mergedPath(SsbConfig config) {
        return new Path(new RunLayout(config.out(), config.runId()).runPath(), MERGED);
    }

    /**
     * Runs {@code rounds} rounds of every stage.
     *
     * @param force redo every stage even when complete
     * @param resume let distill continue from its newest checkpoint
     * @param listener told after each stage (for progress output)
     */
    public static List<Round> run(
            SparkSession spark,
            SsbConfig config,
            int rounds,
            boolean force,
            boolean resume,
            Consumer<StageReport> listener) {
        if (rounds < 1) {
            throw new IllegalArgumentException("Invalid rounds: " + rounds + " (must be >= 1)");
        }
        List<Round> done = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            done.add(round(spark, roundConfig(config, r), r, r < rounds, force, resume, listener));
        }
        return done;
    }

    private static Round round(
            SparkSession spark,
            SsbConfig config,
            int round,
            boolean merge,
            boolean force,
            boolean resume,
            Consumer<StageReport> listener) {
        LOG.info(
                "Round {}: run {} from {}",
                round,
                config.runId(),
                config.string(SsbProperties.MODEL_CHECKPOINT));
        List<StageReport> stages = new ArrayList<>();
        Consumer<StageReport> report =
                s -> {
                    stages.add(s);
                    listener.accept(s);
                };
        report.accept(
                report(round, config, IngestStage.NAME, IngestStage.run(spark, config, force)));
        report.accept(
                report(round, config, RolloutStage.NAME, RolloutStage.run(spark, config, force)));
        report.accept(
                report(round, config, CurateStage.NAME, CurateStage.run(spark, config, force)));
        StageReport logits =
                report(
                        round,
                        config,
                        TeacherLogitsStage.NAME,
                        TeacherLogitsStage.run(spark, config, force));
        report.accept(logits);
        if (logits.counts().getOrDefault(TeacherLogitsStage.TEACHER_LOGITS, 0L) == 0) {
            throw new IllegalStateException(
                    String.format(
                            "Cannot distill run %s: curate accepted no problem (%s); use more"
                                    + " problems or rollout.samples, or a base model that solves"
                                    + " some but not all of them",
                            config.runId(), curateCounts(stages)));
        }
        report.accept(
                report(
                        round,
                        config,
                        DistillStage.NAME,
                        DistillStage.run(spark, config, force, resume)));
        Optional<Path> summary = Optional.empty();
        if (config.string(SsbProperties.EVAL_PROBLEMS).isBlank()) {
            LOG.info("Round {}: no eval.problems set, evaluate skipped", round);
            report.accept(
                    new StageReport(round, config.runId(), EvaluateStage.NAME, true, Map.of()));
        } else {
            EvaluateStage.Result eval = EvaluateStage.run(spark, config, force);
            report.accept(report(round, config, EvaluateStage.NAME, eval.stage()));
            summary = Optional.of(eval.summaryMarkdown());
        }
        Optional<Path> merged =
                merge ? Optional.of(StudentMerge.run(spark, config, force)) : Optional.empty();
        return new Round(round, config, stages, summary, merged);
    }

    private static Map<String, Long> curateCounts(List<StageReport> stages) {
        return stages.stream()
                .filter(s -> s.stage().equals(CurateStage.NAME))
                .findFirst()
                .map(StageReport::counts)
                .orElse(Map.of());
    }

    private static StageReport report(
            int round, SsbConfig config, String stage, StageOutput.Outcome outcome) {
        return new StageReport(
                round, config.runId(), stage, outcome.skipped(), outcome.manifest().counts());
    }
}
