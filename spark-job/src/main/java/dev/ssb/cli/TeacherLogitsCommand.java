package dev.ssb.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ssb teacher-logits}. */
@Command(
        name = "teacher-logits",
        mixinStandardHelpOptions = true,
        description =
                "Stores the teacher's top-k next-token distributions over each accepted robust solution in <out>/<run-id>/teacher_logits.")
final class TeacherLogitsCommand implements Callable<Integer> {

    @Mixin CommonOptions options;

    @Override
    public Integer call() {
        options.resolve(); // a bad configuration is reported before anything else
        throw PendingStage.notAvailable("teacher-logits", "the model runtime");
    }
}
