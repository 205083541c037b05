package dev.ssb.worker.api;

import java.nio.file.Path;

/**
 * The recipe of the embedded toy model, for the command line: trains a Qwen2-architecture model
 * from scratch on the toy domain and measures it. The implementation is found with {@link
 * java.util.ServiceLoader}, so callers compile against this package only.
 */
public interface ToyModelRecipe {

    /** The seed of the committed embedded model. */
    long EMBEDDED_SEED = 20261126L;

    /**
     * Trains with the embedded model's recipe and writes a Hugging Face checkpoint directory.
     *
     * @param out the checkpoint directory (created)
     * @param seed seeds the problems, the batch order and the initial weights
     * @param steps AdamW updates, or 0 for the recipe's own number
     * @return a one-line summary (final loss, wall time)
     */
    String train(Path out, long seed, int steps);

    /**
     * Measures a checkpoint on the recipe's problems of {@code seed}: pass@1 at T = 0.8 on held-out
     * problems, the share of train problems with mixed outcomes among 4 samples at T = 0.8, and the
     * hinted teacher's accuracy at T = 0.4.
     *
     * @param checkpoint an HF checkpoint directory or {@link ModelWorker#EMBEDDED}
     * @param problems problems per measurement (at most 1000)
     * @param json where to write the numbers as JSON, or null
     * @return a one-line summary of the numbers
     */
    String evaluate(String checkpoint, long seed, int problems, Path json);

    /** See {@link ToyData#writeEmbeddedSplits(Path, long, int, int, boolean)}. */
    void writeEmbeddedSplits(Path dir, long sampleSeed, int train, int test, boolean dev);

    /** The implementation on the classpath. */
    static ToyModelRecipe load() {
        return Services.cached(ToyModelRecipe.class);
    }
}
