package dev.ssb.worker.toy.train;

import dev.ssb.worker.toy.Prompts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line entry point of the toy recipe: {@code train --out DIR [--seed S] [--steps N]
 * [--prompts DIR]} and {@code evaluate --model DIR [--seed S] [--out FILE] [--problems N]}.
 */
public final class ToyModelMain {

    private ToyModelMain() {}

    public static void main(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException(
                    "Usage: train --out DIR [--seed S] [--steps N] [--prompts DIR]"
                            + " [--snapshot-every N] [--batch-size N] [--lr X]"
                            + " [--teacher-fraction X] [--flawed-fraction X]"
                            + " [--nohint-fraction X] | evaluate"
                            + " --model DIR [--seed S] [--split heldout|dev] [--problems N]"
                            + " [--out FILE]");
        }
        List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
        String seed = option(rest, "--seed");
        String promptsDir = option(rest, "--prompts");
        String steps = option(rest, "--steps");
        String out = option(rest, "--out");
        String model = option(rest, "--model");
        String split = option(rest, "--split");
        String problems = option(rest, "--problems");
        String snapshotEvery = option(rest, "--snapshot-every");
        String batchSize = option(rest, "--batch-size");
        String lr = option(rest, "--lr");
        String teacherFraction = option(rest, "--teacher-fraction");
        String flawedFraction = option(rest, "--flawed-fraction");
        String nohintFraction = option(rest, "--nohint-fraction");
        if (!rest.isEmpty()) {
            throw new IllegalArgumentException("Unknown arguments: " + rest);
        }
        ToyTrainingConfig config = ToyTrainingConfig.embedded();
        if (seed != null) {
            config = config.withSeed(Long.parseLong(seed));
        }
        if (steps != null) {
            config = config.withSteps(Integer.parseInt(steps));
        }
        config =
                config.withOptimization(
                        batchSize == null ? config.batchSize() : Integer.parseInt(batchSize),
                        lr == null ? config.lr() : Double.parseDouble(lr),
                        teacherFraction == null
                                ? config.teacherFraction()
                                : Double.parseDouble(teacherFraction),
                        flawedFraction == null
                                ? config.flawedFraction()
                                : Double.parseDouble(flawedFraction));
        if (nohintFraction != null) {
            config = config.withNohintFraction(Double.parseDouble(nohintFraction));
        }
        Prompts prompts =
                promptsDir == null
                        ? Prompts.defaults()
                        : Prompts.fromDirectory(Path.of(promptsDir));
        switch (args[0]) {
            case "train" ->
                    ToyModelTrainer.train(
                            config,
                            prompts,
                            Path.of(required(out, "--out")),
                            snapshotEvery == null ? 0 : Integer.parseInt(snapshotEvery));
            case "evaluate" ->
                    ToyModelEvaluation.run(
                            config,
                            prompts,
                            required(model, "--model"),
                            split == null ? "heldout" : split,
                            problems == null ? 500 : Integer.parseInt(problems),
                            out == null ? null : Path.of(out));
            default -> throw new IllegalArgumentException("Unknown command: " + args[0]);
        }
    }

    private static String option(List<String> args, String name) {
        int i = args.indexOf(name);
        if (i < 0) {
            return null;
        }
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException("Missing value of " + name);
        }
        String value = args.get(i + 1);
        args.subList(i, i + 2).clear();
        return value;
    }

    private static String required(String value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("Missing option " + name);
        }
        return value;
    }
}
