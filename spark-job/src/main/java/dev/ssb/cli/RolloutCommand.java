package dev.ssb.cli;

import dev.ssb.config.SsbConfig;
import dev.ssb.ingest.IngestStage;
import dev.ssb.rollout.RolloutSettings;
import dev.ssb.rollout.RolloutStage;
import dev.ssb.spark.SparkSessions;
import dev.ssb.table.StageOutput;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ssb rollout}: K sampled, verified solutions per problem. */
@Command(
        name = "rollout",
        mixinStandardHelpOptions = true,
        description = {
            "Samples rollout.samples solutions per problem of <out>/<run-id>/problems with the base"
                    + " model and writes them, verified, to <out>/<run-id>/rollouts.",
            "Example: ssb rollout --out runs --run-id r1 --set rollout.samples=4"
        })
final class RolloutCommand implements Callable<Integer> {

    @Mixin CommonOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        SsbConfig config = options.resolve();
        if (options.dryRun) {
            RolloutSettings.from(config); // validates the rollout.* keys and reads the prompt
            return CommonOptions.printPlan(
                    spec,
                    new StagePlan("rollout", config)
                            .model(config)
                            .readsTable(IngestStage.PROBLEMS, "ingest")
                            .writesTable(RolloutStage.ROLLOUTS));
        }
        StageOutput.Outcome outcome =
                RolloutStage.run(SparkSessions.getOrCreate("ssb rollout"), config, options.force);
        return CommonOptions.printOutcome(spec, "rollout", outcome, config, RolloutStage.ROLLOUTS);
    }
}
