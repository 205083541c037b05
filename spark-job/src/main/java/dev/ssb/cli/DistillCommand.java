package dev.ssb.cli;

import dev.ssb.config.SsbConfig;
import dev.ssb.distill.DistillSettings;
import dev.ssb.distill.DistillStage;
import dev.ssb.logits.TeacherLogitsStage;
import dev.ssb.spark.SparkSessions;
import dev.ssb.table.StageOutput;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ssb distill}: the LoRA student, distilled on the stored teacher logits. */
@Command(
        name = "distill",
        mixinStandardHelpOptions = true,
        description = {
            "Distills a LoRA student on <out>/<run-id>/teacher_logits (driver-coordinated: each"
                    + " step the executors compute gradients of their shard of the global batch)."
                    + " Writes the PEFT adapter to <out>/<run-id>/adapter, one row per step to"
                    + " <out>/<run-id>/train_metrics, the plot <out>/<run-id>/distill/training.png"
                    + " and checkpoints every distill.checkpoint_every steps.",
            "Example: ssb distill --out runs --run-id r1 --set distill.epochs=3",
            "After a crash: ssb distill --out runs --run-id r1 --resume"
        })
final class DistillCommand implements Callable<Integer> {

    @Mixin CommonOptions options;
    @Spec CommandSpec spec;

    @Option(
            names = "--resume",
            description =
                    "Continue from the newest checkpoint under <out>/<run-id>/distill/checkpoints"
                            + " (without it an unfinished run starts over).")
    boolean resume;

    @Override
    public Integer call() {
        SsbConfig config = options.resolve();
        if (options.dryRun) {
            DistillSettings.from(config); // validates the distill.* keys
            return CommonOptions.printPlan(
                    spec,
                    new StagePlan("distill", config)
                            .model(config)
                            .readsTable(TeacherLogitsStage.TEACHER_LOGITS, "teacher-logits")
                            .writesTable(DistillStage.TRAIN_METRICS)
                            .writesTable(DistillStage.ADAPTER)
                            .writes("checkpoints", DistillStage.WORK_DIR + "/checkpoints")
                            .note(
                                    resume
                                            ? "--resume: continues from the newest checkpoint"
                                                    + " there, if any"
                                            : "without --resume an unfinished run starts over"));
        }
        StageOutput.Outcome outcome =
                DistillStage.run(
                        SparkSessions.getOrCreate("ssb distill"), config, options.force, resume);
        return CommonOptions.printOutcome(
                spec, "distill", outcome, config, DistillStage.ADAPTER, DistillStage.TRAIN_METRICS);
    }
}
