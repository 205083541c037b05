package dev.ssb.cli;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.ingest.IngestStage;
import dev.ssb.spark.SparkSessions;
import dev.ssb.table.RunLayout;
import dev.ssb.table.StageOutput;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ssb ingest}: a dataset into the problems and rejected tables. */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = {
            "Reads GSM8K / MATH / AIME-shaped JSONL or Parquet into <out>/<run-id>/problems and"
                    + " <out>/<run-id>/rejected (bad rows with line number and reason).",
            "Example: ssb ingest --problems data.jsonl --out runs --run-id r1"
        })
final class IngestCommand implements Callable<Integer> {

    @Mixin CommonOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        SsbConfig config = options.resolve();
        if (options.dryRun) {
            return CommonOptions.printPlan(
                    spec,
                    new StagePlan(IngestStage.NAME, config)
                            .readsPath(
                                    SsbProperties.DATA_PROBLEMS,
                                    config.string(SsbProperties.DATA_PROBLEMS))
                            .writesTable(IngestStage.PROBLEMS)
                            .writesTable(IngestStage.REJECTED));
        }
        StageOutput.Outcome outcome =
                IngestStage.run(SparkSessions.getOrCreate("ssb ingest"), config, options.force);
        RunLayout layout = new RunLayout(config.out(), config.runId());
        var m = outcome.manifest();
        spec.commandLine()
                .getOut()
                .printf(
                        "ingest %s: %d input rows -> %d problems, %d rejected%n  %s%n  %s%n",
                        outcome.skipped() ? "already complete (use --force to redo)" : "done",
                        m.count("input_rows"),
                        m.count(IngestStage.PROBLEMS),
                        m.count(IngestStage.REJECTED),
                        layout.tablePath(IngestStage.PROBLEMS),
                        layout.tablePath(IngestStage.REJECTED));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
