package dev.ssb.worker.api;

import java.nio.file.Path;

/**
 * The synthetic toy math domain as seen from outside the model runtime: GSM8K-shaped JSONL files
 * (question, answer ending with {@code #### N}) for the demo and for tests.
 */
public final class ToyData {

    /** The train split's file name inside the directory given to {@link #writeEmbeddedSplits}. */
    public static final String TRAIN_FILE = "train.jsonl";

    /**
     * The held-out split's file name inside the directory given to {@link #writeEmbeddedSplits}.
     */
    public static final String TEST_FILE = "test.jsonl";

    private ToyData() {}

    /**
     * Writes the embedded model's own problems: {@code dir/train.jsonl} holds {@code train}
     * problems sampled with {@code sampleSeed} from the problems the model was trained on (as a
     * real base model has seen its training set), {@code dir/test.jsonl} the first {@code test}
     * problems of its held-out split (at most 1000; never trained or tuned on) or, with {@code
     * dev}, of its dev split (at most 500; the split for choosing settings).
     *
     * @throws IllegalArgumentException when a size is out of range for its split
     */
    public static void writeEmbeddedSplits(
            Path dir, long sampleSeed, int train, int test, boolean dev) {
        ToyModelRecipe.load().writeEmbeddedSplits(dir, sampleSeed, train, test, dev);
    }
}
