package dev.ssb.worker.toy.train;

import dev.ssb.worker.toy.ToyDataset;
import dev.ssb.worker.toy.ToyProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The embedded model's own problem splits as GSM8K-shaped files: a seeded sample of the problems it
 * was trained on, and a prefix of its held-out split (never trained on, never tuned on) or of its
 * dev split (the one split for choosing settings).
 */
public final class EmbeddedSplits {

    private EmbeddedSplits() {}

    /**
     * Writes {@code dir/train.jsonl} and {@code dir/test.jsonl}.
     *
     * @param sampleSeed picks which of the model's training problems are used
     * @param dev evaluate on the dev split instead of the held-out one
     * @throws IllegalArgumentException when a size is out of range for its split
     */
    public static void write(Path dir, long sampleSeed, int train, int test, boolean dev) {
        ToyTrainingConfig config = ToyTrainingConfig.embedded();
        int testLimit = dev ? ToyTrainingConfig.DEV_PROBLEMS : ToyTrainingConfig.HELD_OUT_PROBLEMS;
        if (train < 0 || train > config.trainProblems() || test < 0 || test > testLimit) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid toy split sizes: train %d (must be in [0, %d]), test %d"
                                    + " (must be in [0, %d] for the %s split)",
                            train,
                            config.trainProblems(),
                            test,
                            testLimit,
                            dev ? "dev" : "held-out"));
        }
        ToyDataset.Splits splits = ToyTrainingData.splits(config);
        List<ToyProblem> pool = new ArrayList<>(splits.train());
        Collections.shuffle(pool, new Random(sampleSeed));
        List<ToyProblem> evaluation =
                dev ? ToyTrainingData.dev(splits) : ToyTrainingData.heldOut(splits);
        try {
            Files.createDirectories(dir);
            ToyDataset.writeJsonl(dir.resolve(ToyDataset.TRAIN_FILE), pool.subList(0, train));
            ToyDataset.writeJsonl(dir.resolve(ToyDataset.TEST_FILE), evaluation.subList(0, test));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write toy splits to " + dir, e);
        }
    }
}
