package dev.ssb.cli;

import dev.ssb.config.SsbConfig;
import dev.ssb.eval.EvaluateStage;
import dev.ssb.pipeline.RunPipeline;
import dev.ssb.spark.SparkSessions;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ssb run}: every stage in order for one configuration, over one or more rounds. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs ingest, rollout, curate, teacher-logits, distill and evaluate (when"
                    + " eval.problems is set) for one configuration. A complete stage is skipped,"
                    + " so after a crash the same command with --resume continues where it"
                    + " stopped. With --rounds R, round r >= 2 is the run <run-id>-round<r> and"
                    + " starts from the merged student of round r-1"
                    + " (<out>/<run-id of r-1>/student-merged).",
            "Example: ssb run --problems data/gsm8k_train.jsonl --out runs"
                    + " --run-id r1 --set eval.problems=data/math500_test.jsonl",
            "After a crash: ssb run --out runs --run-id r1 --resume"
        })
final class RunCommand implements Callable<Integer> {

    @Mixin CommonOptions options;
    @Spec CommandSpec spec;

    @Option(
            names = "--rounds",
            paramLabel = "R",
            defaultValue = "1",
            description = "SSB rounds; each starts from the previous round's merged student.")
    int rounds;

    @Option(
            names = "--resume",
            description = "Let distill continue from its newest checkpoint (see ssb distill).")
    boolean resume;

    @Override
    public Integer call() {
        SsbConfig config = options.resolve();
        SparkSession spark = session("ssb run");
        PrintWriter out = spec.commandLine().getOut();
        List<RunPipeline.Round> rounds =
                RunPipeline.run(
                        spark, config, this.rounds, options.force, resume, s -> print(out, s));
        for (RunPipeline.Round round : rounds) {
            round.summaryMarkdown()
                    .ifPresent(
                            md ->
                                    out.printf(
                                            "%nround %d (%s):%n%s%n  %s%n",
                                            round.round(),
                                            round.config().runId(),
                                            EvaluateStage.readSummary(spark, md).strip(),
                                            md));
            round.mergedStudent().ifPresent(m -> out.printf("  merged student: %s%n", m));
        }
        out.flush();
        return 0;
    }

    /** One line per stage, as it finishes. */
    static void print(PrintWriter out, RunPipeline.StageReport s) {
        out.printf(
                "round %d %s %s: %s %s%n",
                s.round(),
                s.runId(),
                s.stage(),
                s.skipped() ? "skipped (complete)" : "done",
                s.counts());
        out.flush();
    }

    /**
     * The session, with Spark's console progress bar on when launched by {@code ./ssb} (a
     * spark-submit configuration decides for itself).
     */
    static SparkSession session(String name) {
        if (System.getProperty("spark.master") == null
                && System.getProperty("spark.ui.showConsoleProgress") == null) {
            System.setProperty("spark.ui.showConsoleProgress", "true");
        }
        return SparkSessions.getOrCreate(name);
    }
}
