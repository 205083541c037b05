package dev.ssb.cli;

import dev.ssb.worker.api.ModelWorker;
import dev.ssb.worker.api.ToyModelRecipe;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ssb toy-model train|evaluate}: the recipe of the embedded tiny base model. */
@Command(
        name = "toy-model",
        mixinStandardHelpOptions = true,
        description = "Trains the embedded toy model from scratch, or measures a checkpoint.",
        subcommands = {ToyModelCommand.Train.class, ToyModelCommand.Evaluate.class})
final class ToyModelCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "train",
            mixinStandardHelpOptions = true,
            description = {
                "Trains a Qwen2-architecture model from scratch on toy student and hinted-teacher"
                        + " conversations and writes an HF checkpoint folder.",
                "Example: ssb toy-model train --out /tmp/toy --seed 20261126"
            })
    static final class Train implements Callable<Integer> {
        @Option(
                names = "--out",
                required = true,
                paramLabel = "DIR",
                description = "Checkpoint folder.")
        Path out;

        @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed = ToyModelRecipe.EMBEDDED_SEED;

        @Option(names = "--steps", description = "AdamW updates, 0 = the recipe's (default: 0).")
        int steps;

        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(ToyModelRecipe.load().train(out, seed, steps));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(
            name = "evaluate",
            mixinStandardHelpOptions = true,
            description = {
                "Measures pass@1 (T=0.8) on held-out toy problems, mixed outcomes among 4 samples"
                        + " (T=0.8) on train problems and the hinted teacher's accuracy (T=0.4).",
                "Example: ssb toy-model evaluate --model embedded:toy --problems 500"
            })
    static final class Evaluate implements Callable<Integer> {
        @Option(
                names = "--model",
                paramLabel = "CHECKPOINT",
                description = "Default: ${DEFAULT-VALUE}.")
        String model = ModelWorker.EMBEDDED;

        @Option(names = "--seed", description = "The recipe's seed (default: ${DEFAULT-VALUE}).")
        long seed = ToyModelRecipe.EMBEDDED_SEED;

        @Option(
                names = "--problems",
                description = "Problems per measurement (default: ${DEFAULT-VALUE}).")
        int problems = 500;

        @Option(names = "--json", paramLabel = "FILE", description = "Also write the numbers here.")
        Path json;

        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine()
                    .getOut()
                    .println(ToyModelRecipe.load().evaluate(model, seed, problems, json));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
