package dev.ssb.cli;

import dev.ssb.config.SsbConfig;
import dev.ssb.curate.CurateSettings;
import dev.ssb.curate.CurateStage;
import dev.ssb.ingest.IngestStage;
import dev.ssb.rollout.RolloutStage;
import dev.ssb.spark.SparkSessions;
import dev.ssb.table.StageOutput;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ssb curate}: problem selection and hinted teacher replies. */
@Command(
        name = "curate",
        mixinStandardHelpOptions = true,
        description = {
            "Picks one correct and the most common wrong rollout per problem and has the hinted"
                    + " teacher write a robust solution into <out>/<run-id>/teacher_contexts (one"
                    + " row per problem: accepted, or the reason it was dropped).",
            "Example: ssb curate --out runs --run-id r1 --set teacher.temperature=0.4"
        })
final class CurateCommand implements Callable<Integer> {

    @Mixin CommonOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        SsbConfig config = options.resolve();
        if (options.dryRun) {
            CurateSettings.from(config); // validates the teacher.* keys and reads both prompts
            return CommonOptions.printPlan(
                    spec,
                    new StagePlan("curate", config)
                            .model(config)
                            .readsTable(IngestStage.PROBLEMS, "ingest")
                            .readsTable(RolloutStage.ROLLOUTS, "rollout")
                            .writesTable(CurateStage.TEACHER_CONTEXTS));
        }
        StageOutput.Outcome outcome =
                CurateStage.run(SparkSessions.getOrCreate("ssb curate"), config, options.force);
        return CommonOptions.printOutcome(
                spec, "curate", outcome, config, CurateStage.TEACHER_CONTEXTS);
    }
}
