package dev.ssb.distill;

import dev.ssb.spark.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which examples make up each global batch: the rows sorted by problem id, then a seeded
 * Fisher–Yates permutation per epoch; batch {@code b} of an epoch is positions {@code [b·size,
 * min(n, (b+1)·size))} of that permutation (the last batch of an epoch may be smaller). A step is
 * thus a pure function of (run seed, epoch, position), which is what a resumed run relies on.
 */
public final class DataOrder {

    static final String STREAM = "distill-order";

    private final int examples;
    private final int batchSize;
    private final long runSeed;

    public DataOrder(int examples, int batchSize, long runSeed) {
        if (examples < 1) {
            throw new IllegalArgumentException("Invalid examples: " + examples + " (must be >= 1)");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException(
                    "Invalid batch_size: " + batchSize + " (must be >= 1)");
        }
        this.examples = examples;
        this.batchSize = batchSize;
        this.runSeed = runSeed;
    }

    public int stepsPerEpoch() {
        return (examples + batchSize - 1) / batchSize;
    }

    /** The permutation of example indices of {@code epoch} (0-based). */
    public int[] permutation(int epoch) {
        int[] order = new int[examples];
        for (int i = 0; i < examples; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(Seeds.seed(runSeed, STREAM, "epoch", epoch));
        for (int i = examples - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Example indices of batch {@code batch} (0-based within the epoch) of a permutation. */
    public int[] batch(int[] permutation, int batch) {
        if (batch < 0 || batch >= stepsPerEpoch()) {
            throw new IllegalArgumentException(
                    "Invalid batch: " + batch + " (must be in [0, " + stepsPerEpoch() + "))");
        }
        int from = batch * batchSize;
        int to = Math.min(examples, from + batchSize);
        return java.util.Arrays.copyOfRange(permutation, from, to);
    }

    /**
     * Splits a batch into at most {@code workers} contiguous, non-empty shards whose sizes differ
     * by at most one (the first shards take the remainder).
     */
    public static <T> List<List<T>> shards(List<T> batch, int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("Invalid workers: " + workers + " (must be >= 1)");
        }
        int n = Math.min(workers, batch.size());
        List<List<T>> out = new ArrayList<>(n);
        int base = n == 0 ? 0 : batch.size() / n;
        int extra = n == 0 ? 0 : batch.size() % n;
        int from = 0;
        for (int i = 0; i < n; i++) {
            int size = base + (i < extra ? 1 : 0);
            out.add(new ArrayList<>(batch.subList(from, from + size)));
            from += size;
        }
        return out;
    }
}
