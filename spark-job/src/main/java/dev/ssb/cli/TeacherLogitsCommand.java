package dev.ssb.cli;

import dev.ssb.config.SsbConfig;
import dev.ssb.curate.CurateStage;
import dev.ssb.logits.LogitsSettings;
import dev.ssb.logits.TeacherLogitsStage;
import dev.ssb.spark.SparkSessions;
import dev.ssb.table.StageOutput;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ssb teacher-logits}: top-k teacher distributions over the accepted replies. */
@Command(
        name = "teacher-logits",
        mixinStandardHelpOptions = true,
        description = {
            "Stores the teacher's top-k next-token distributions over each accepted robust"
                    + " solution in <out>/<run-id>/teacher_logits.",
            "Example: ssb teacher-logits --out runs --run-id r1 --set logits.top_k=20"
        })
final class TeacherLogitsCommand implements Callable<Integer> {

    @Mixin CommonOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        SsbConfig config = options.resolve();
        if (options.dryRun) {
            LogitsSettings.from(config); // validates the logits.* keys
            return CommonOptions.printPlan(
                    spec,
                    new StagePlan("teacher-logits", config)
                            .model(config)
                            .readsTable(CurateStage.TEACHER_CONTEXTS, "curate")
                            .writesTable(TeacherLogitsStage.TEACHER_LOGITS));
        }
        StageOutput.Outcome outcome =
                TeacherLogitsStage.run(
                        SparkSessions.getOrCreate("ssb teacher-logits"), config, options.force);
        return CommonOptions.printOutcome(
                spec, "teacher-logits", outcome, config, TeacherLogitsStage.TEACHER_LOGITS);
    }
}
