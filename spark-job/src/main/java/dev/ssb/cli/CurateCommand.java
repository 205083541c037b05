package dev.ssb.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ssb curate}. */
@Command(
        name = "curate",
        mixinStandardHelpOptions = true,
        description =
                "Picks one correct and the most common wrong rollout per problem and has the hinted teacher write a robust solution into <out>/<run-id>/teacher_contexts.")
final class CurateCommand implements Callable<Integer> {

    @Mixin CommonOptions options;

    @Override
    public Integer call() {
        options.resolve(); // a bad configuration is reported before anything else
        throw PendingStage.notAvailable("curate", "the model runtime and the answer verifier");
    }
}
