package dev.ssb.worker.toy.train;

import dev.ssb.worker.api.ToyModelRecipe;
import dev.ssb.worker.toy.Prompts;
import java.nio.file.Path;

/**
 * The {@link ToyModelRecipe} service: the shipped prompts and {@link ToyTrainingConfig#embedded}.
 */
public final class ToyRecipeService implements ToyModelRecipe {

    @Override
    public String train(Path out, long seed, int steps) {
        ToyTrainingConfig config = ToyTrainingConfig.embedded().withSeed(seed);
        if (steps > 0) {
            config = config.withSteps(steps);
        }
        ToyModelTrainer.Result r = ToyModelTrainer.train(config, Prompts.defaults(), out);
        return String.format(
                "trained %s steps (seed %s) in %.1f min, final loss %.4f: %s",
                config.steps(), seed, r.wallMillis() / 60_000.0, r.finalLoss(), r.directory());
    }

    @Override
    public String evaluate(String checkpoint, long seed, int problems, Path json) {
        ToyModelEvaluation.Summary s =
                ToyModelEvaluation.run(
                        ToyTrainingConfig.embedded().withSeed(seed),
                        Prompts.defaults(),
                        checkpoint,
                        "heldout",
                        problems,
                        json);
        return String.format(
                "pass@1 (T=0.8) %.3f on %d held-out problems; mixed outcomes (K=4, T=0.8) %.3f of"
                        + " %d train problems; hinted teacher (T=0.4) %.3f; teacher shown no wrong"
                        + " attempt (T=0.4) %.3f",
                s.passAt1(),
                s.problems(),
                s.mixedAtK(),
                s.problems(),
                s.teacherAccuracy(),
                s.nohintTeacherAccuracy());
    }

    @Override
    public void writeEmbeddedSplits(Path dir, long sampleSeed, int train, int test, boolean dev) {
        EmbeddedSplits.write(dir, sampleSeed, train, test, dev);
    }
}
