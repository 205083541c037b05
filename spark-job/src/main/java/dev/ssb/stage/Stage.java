package dev.ssb.stage;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.SsbConfig;
import dev.ssb.table.RunLayout;
import dev.ssb.table.StageOutput;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * One stage, declared once: what it reads and writes, which configuration keys change its rows, and
 * how it runs. The CLI's stage command and its {@code --dry-run}, {@code ssb run}, {@code ssb
 * stages --json} and the Airflow DAG are all derived from the declarations in {@code
 * dev.ssb.pipeline.Stages}.
 *
 * @param name the stage and its CLI command, e.g. {@code teacher-logits}
 * @param description the command's help: what it does, then example lines
 * @param inputs tables of the run it reads (each written by an earlier stage)
 * @param outputs tables of the run it writes and commits together
 * @param resultKeys key prefixes whose result keys change its rows (its stage hash; operational
 *     keys never count, see {@link dev.ssb.config.ConfigKey.Effect})
 * @param paths configuration keys naming files it reads that exist before the run (the first is
 *     what the command's {@code --problems} sets)
 * @param flags keys the command sets with options of their own, with the option's value label
 *     ({@code eval.tag} to {@code NAME}: {@code --tag=NAME})
 * @param traits what else the pipeline and the CLI need to know
 * @param settings reads and validates the stage's own keys (and prompt files) on the driver
 * @param runner runs the stage unless complete
 * @param plan what {@code --dry-run} says beyond the declared tables and paths
 * @param report what the command prints after the stage: by default its counts and tables
 */
public record Stage(
        String name,
        List<String> description,
        List<String> inputs,
        List<String> outputs,
        List<String> resultKeys,
        List<String> paths,
        Map<String, String> flags,
        Set<Trait> traits,
        Function<SsbConfig, ?> settings,
        Runner runner,
        Planner plan,
        Reporter report) {

    /** What else is true of a stage. */
    public enum Trait {
        /** It runs {@code model.checkpoint} (the dry run checks it). */
        MODEL,
        /** {@code --resume} continues it from its newest checkpoint. */
        RESUMABLE,
        /** {@code ssb run} skips it while one of its path keys is unset. */
        OPTIONAL
    }

    /** Runs a stage. */
    @FunctionalInterface
    public interface Runner {
        StageOutput.Outcome run(StageRun run);
    }

    /**
     * The dry-run plan: by default the one built from the declaration (model, paths, input and
     * output tables); a stage may add lines to it or, when its tables depend on the configuration,
     * build its own.
     */
    @FunctionalInterface
    public interface Planner {
        Planner DECLARED = (declared, config, resume) -> declared.get();

        StagePlan plan(Supplier<StagePlan> declared, SsbConfig config, boolean resume);
    }

    /** Prints what a stage did. */
    @FunctionalInterface
    public interface Reporter {
        Reporter OUTCOME =
                (stage, out, spark, config, outcome) -> stage.printOutcome(out, config, outcome);

        void report(
                Stage stage,
                PrintWriter out,
                SparkSession spark,
                SsbConfig config,
                StageOutput.Outcome outcome);
    }

    public Stage {
        requireNonNull(name, "name is null");
        description = List.copyOf(description);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        resultKeys = List.copyOf(resultKeys);
        paths = List.copyOf(paths);
        flags = Collections.unmodifiableSortedMap(new TreeMap<>(flags));
        traits = traits.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(traits));
        requireNonNull(settings, "settings is null");
        requireNonNull(runner, "runner is null");
        requireNonNull(plan, "plan is null");
        requireNonNull(report, "report is null");
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("Invalid stage " + name + ": no outputs");
        }
    }

    /**
     * A stage that writes tables from tables: no path inputs, not resumable, its counts and tables
     * reported.
     */
    public static Stage of(
            String name,
            List<String> description,
            List<String> inputs,
            List<String> outputs,
            List<String> resultKeys,
            Function<SsbConfig, ?> settings,
            Runner runner) {
        return new Stage(
                name,
                description,
                inputs,
                outputs,
                resultKeys,
                List.of(),
                Map.of(),
                Set.of(Trait.MODEL),
                settings,
                runner,
                Planner.DECLARED,
                Reporter.OUTCOME);
    }

    public boolean has(Trait trait) {
        return traits.contains(trait);
    }

    /**
     * The stage hash of {@code config}: its result keys only, with sampling keys left at auto
     * resolved against the checkpoint first ({@link CheckpointSampling}), as a run records it.
     */
    public String hash(SsbConfig config) {
        return CheckpointSampling.resolve(config, new org.apache.hadoop.conf.Configuration())
                .hash(resultKeys);
    }

    /** "{@code <stage> done: <counts>}" (or "already complete") and each output table's path. */
    public void printOutcome(PrintWriter out, SsbConfig config, StageOutput.Outcome outcome) {
        printOutcome(out, config, outcome, outcome.manifest().counts().toString());
    }

    /** As above with the counts in words. */
    public void printOutcome(
            PrintWriter out, SsbConfig config, StageOutput.Outcome outcome, String counts) {
        RunLayout layout = new RunLayout(config.out(), config.runId());
        StringBuilder text =
                new StringBuilder(name)
                        .append(' ')
                        .append(
                                outcome.skipped()
                                        ? "already complete (use --force to redo)"
                                        : "done")
                        .append(": ")
                        .append(counts);
        for (String table : outputs) {
            text.append(System.lineSeparator()).append("  ").append(layout.tablePath(table));
        }
        out.println(text);
        out.flush();
    }
}
