package dev.ssb.worker.toy.train;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.ToyModelRecipe;
import dev.ssb.worker.toy.ToyDifficulty;

/**
 * Everything that determines the trained toy model: data, architecture and optimisation. The same
 * config (seed included) reproduces the same checkpoint on the same engine build.
 *
 * @param seed seeds the problems, the wrong attempts, the batch order and the initial weights
 * @param trainProblems distinct training problems
 * @param difficulty the problem generator's knobs
 * @param hiddenSize width of the residual stream
 * @param numLayers decoder layers
 * @param numHeads query heads
 * @param numKvHeads key/value heads (divides numHeads)
 * @param intermediateSize SwiGLU width
 * @param vocabSize embedding rows (&gt;= the tokenizer's 100 ids; the rest are never sampled)
 * @param steps AdamW updates
 * @param batchSize conversations per update
 * @param lr peak learning rate (linear warmup, cosine decay)
 * @param warmupSteps warmup updates
 * @param teacherFraction share of hinted-teacher conversations in [0, 1]
 * @param flawedFraction share of student conversations whose reply is a plausible wrong attempt
 *     (one slip or one wrong operation) in [0, 1): like a real base model, which has read flawed
 *     solutions too, the toy model then makes mistakes at a rate of its own that the hinted teacher
 *     (trained on correct solutions only) does not share
 * @param nohintFraction share of the teacher conversations whose teacher is shown only the correct
 *     attempt (the prompt of the {@code ssb-nohint-wrong} ablation) in [0, 1]; 0 draws no random
 *     number for it, so a recipe without it trains exactly as before it existed
 */
public record ToyTrainingConfig(
        long seed,
        int trainProblems,
        ToyDifficulty difficulty,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int intermediateSize,
        int vocabSize,
        int steps,
        int batchSize,
        double lr,
        int warmupSteps,
        double teacherFraction,
        double flawedFraction,
        double nohintFraction) {

    /** Held-out test problems drawn first from the seed (the pipeline's toy test split). */
    public static final int HELD_OUT_PROBLEMS = 1000;

    /** The embedded recipe's share of nohint teacher conversations among the teacher's. */
    static final double NOHINT_FRACTION = 0.25;

    /** Dev problems drawn after the held-out ones: the only split used for tuning. */
    public static final int DEV_PROBLEMS = 500;

    public ToyTrainingConfig {
        requireNonNull(difficulty, "difficulty is null");
        positive(trainProblems, "train_problems");
        positive(hiddenSize, "hidden_size");
        positive(numLayers, "num_layers");
        positive(numHeads, "num_heads");
        positive(numKvHeads, "num_kv_heads");
        positive(intermediateSize, "intermediate_size");
        positive(steps, "steps");
        positive(batchSize, "batch_size");
        if (hiddenSize % numHeads != 0 || (hiddenSize / numHeads) % 2 != 0) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid num_heads: %s (must divide hidden_size %s into an even head"
                                    + " width)",
                            numHeads, hiddenSize));
        }
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid num_kv_heads: %s (must divide num_heads %s)",
                            numKvHeads, numHeads));
        }
        if (vocabSize < 100) {
            throw new IllegalArgumentException(
                    "Invalid vocab_size: " + vocabSize + " (must be >= 100, the toy tokenizer's)");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("Invalid lr: " + lr + " (must be > 0)");
        }
        if (warmupSteps < 0 || warmupSteps >= steps) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid warmup_steps: %s (must be in [0, steps %s))",
                            warmupSteps, steps));
        }
        if (!(teacherFraction >= 0 && teacherFraction <= 1)) {
            throw new IllegalArgumentException(
                    "Invalid teacher_fraction: " + teacherFraction + " (must be in [0, 1])");
        }
        if (!(nohintFraction >= 0 && nohintFraction <= 1)) {
            throw new IllegalArgumentException(
                    "Invalid nohint_fraction: " + nohintFraction + " (must be in [0, 1])");
        }
        if (!(flawedFraction >= 0 && flawedFraction < 1)) {
            throw new IllegalArgumentException(
                    "Invalid flawed_fraction: " + flawedFraction + " (must be in [0, 1))");
        }
    }

    private static void positive(int value, String key) {
        if (value <= 0) {
            throw new IllegalArgumentException("Invalid " + key + ": " + value + " (must be > 0)");
        }
    }

    /** The recipe of the committed embedded model. */
    public static ToyTrainingConfig embedded() {
        return new ToyTrainingConfig(
                ToyModelRecipe.EMBEDDED_SEED,
                20_000,
                ToyDifficulty.embedded(),
                128,
                4,
                4,
                2,
                384,
                128,
                4500,
                8,
                2e-3,
                60,
                0.4,
                0.2,
                NOHINT_FRACTION);
    }

    public ToyTrainingConfig withSteps(int value) {
        return copy(
                seed,
                value,
                Math.min(warmupSteps, value - 1),
                batchSize,
                lr,
                teacherFraction,
                flawedFraction,
                nohintFraction);
    }

    public ToyTrainingConfig withSeed(long value) {
        return copy(
                value,
                steps,
                warmupSteps,
                batchSize,
                lr,
                teacherFraction,
                flawedFraction,
                nohintFraction);
    }

    /** The same recipe with another share of nohint teacher conversations among the teacher's. */
    public ToyTrainingConfig withNohintFraction(double value) {
        return copy(
                seed, steps, warmupSteps, batchSize, lr, teacherFraction, flawedFraction, value);
    }

    /** The same recipe with another share of flawed student conversations. */
    public ToyTrainingConfig withFlawedFraction(double value) {
        return withOptimization(batchSize, lr, teacherFraction, value);
    }

    /**
     * The same recipe with another batch size, peak learning rate, teacher share and flawed share.
     */
    public ToyTrainingConfig withOptimization(
            int batch, double peakLr, double teacherShare, double flawedShare) {
        return copy(
                seed, steps, warmupSteps, batch, peakLr, teacherShare, flawedShare, nohintFraction);
    }

    /** This config with the knobs the withers change; data and architecture stay. */
    private ToyTrainingConfig copy(
            long newSeed,
            int newSteps,
            int newWarmup,
            int batch,
            double peakLr,
            double teacherShare,
            double flawedShare,
            double nohintShare) {
        return new ToyTrainingConfig(
                newSeed,
                trainProblems,
                difficulty,
                hiddenSize,
                numLayers,
                numHeads,
                numKvHeads,
                intermediateSize,
                vocabSize,
                newSteps,
                batch,
                peakLr,
                newWarmup,
                teacherShare,
                flawedShare,
                nohintShare);
    }
}
