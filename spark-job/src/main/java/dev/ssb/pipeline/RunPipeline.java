package dev.ssb.pipeline;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.eval.EvaluateStage;
import dev.ssb.stage.Stage;
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
 * {@code ssb run}: every declared stage ({@link Stages#ALL}: ingest → rollout → curate →
 * teacher-logits → distill → evaluate) for one resolved configuration, repeated over rounds. Each
 * stage is a no-op when its tables are already complete, so running again (with {@code resume}
 * passed to distill) continues a killed run without recomputing finished stages. Round r ≥ 2 is
 * stored as run {@code <run-id>-round<r>} and starts from the merged student of round r − 1 ({@code
 * <out>/<run-id of r−1>/student-merged/}).
 */
public final class RunPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(RunPipeline.class);

    /** The folder, inside a round's run folder, of its student merged into a full checkpoint. */
    public static final String MERGED = "student-merged";

    /** The stages' names in the order they run (see {@link Stages#ALL}). */
    public static final List<String> STAGES = Stages.ALL.stream().map(Stage::name).toList();

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
        boolean evaluated = false;
        for (Stage stage : Stages.ALL) {
            Optional<String> unset =
                    stage.paths().stream().filter(k -> config.string(k).isBlank()).findFirst();
            if (stage.has(Stage.Trait.OPTIONAL) && unset.isPresent()) {
                LOG.info("Round {}: no {} set, {} skipped", round, unset.get(), stage.name());
                report.accept(new StageReport(round, config.runId(), stage.name(), true, Map.of()));
                continue;
            }
            StageOutput.Outcome outcome = Stages.run(stage, spark, config, force, resume);
            report.accept(
                    new StageReport(
                            round,
                            config.runId(),
                            stage.name(),
                            outcome.skipped(),
                            outcome.manifest().counts()));
            evaluated |= stage == Stages.EVALUATE;
        }
        Optional<Path> summary =
                evaluated ? Optional.of(EvaluateStage.summaryMarkdown(config)) : Optional.empty();
        Optional<Path> merged =
                merge ? Optional.of(StudentMerge.run(spark, config, force)) : Optional.empty();
        return new Round(round, config, stages, summary, merged);
    }
}
