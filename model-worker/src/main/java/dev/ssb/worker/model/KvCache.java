package dev.ssb.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Preallocated keys and values of a left-padded batch, per layer {@code [batch, kvHeads, capacity,
 * headDim]}. Slot {@code t} of row {@code b} holds the token at position {@code t - padLeft[b]};
 * slots before {@code padLeft[b]} are padding and never attended to. All rows advance together one
 * slot per decode step; {@link #keepRows} drops finished rows so they stop costing compute.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int capacity;
    private int[] padLeft;
    private NDArray padLeftArray;
    private int length;

    KvCache(
            NDManager parent,
            int layers,
            int kvHeads,
            int headDim,
            int[] promptLengths,
            int capacity,
            DataType dtype) {
        int maxPrompt = Arrays.stream(promptLengths).max().orElseThrow();
        if (capacity < maxPrompt) {
            throw new IllegalArgumentException(
                    "Invalid cache capacity: " + capacity + " < longest prompt " + maxPrompt);
        }
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        Shape shape = new Shape(promptLengths.length, kvHeads, capacity, headDim);
        for (int i = 0; i < layers; i++) {
            keys[i] = manager.zeros(shape, dtype);
            values[i] = manager.zeros(shape, dtype);
        }
        int[] pads = new int[promptLengths.length];
        for (int b = 0; b < pads.length; b++) {
            if (promptLengths[b] <= 0) {
                throw new IllegalArgumentException("Invalid prompt length: " + promptLengths[b]);
            }
            pads[b] = maxPrompt - promptLengths[b];
        }
        setPadLeft(pads);
    }

    private void setPadLeft(int[] pads) {
        if (padLeftArray != null) {
            padLeftArray.close();
        }
        padLeft = pads;
        float[] f = new float[pads.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = pads[i];
        }
        padLeftArray = manager.create(f, new Shape(pads.length, 1));
    }

    /** Rows currently held. */
    public int batchSize() {
        return padLeft.length;
    }

    /** Slots filled so far (the same for every row). */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    /** {@code [batch, 1]} float32 pad counts, in the cache's manager (do not close). */
    NDArray padLeftArray() {
        return padLeftArray;
    }

    void write(int layer, NDArray k, NDArray v, int slot) {
        long s = k.getShape().get(2);
        if (slot + s > capacity) {
            throw new IllegalStateException(
                    "Cannot extend KV cache: slot " + (slot + s) + " exceeds capacity " + capacity);
        }
        NDIndex at = new NDIndex(":, :, {}:{}", slot, slot + s);
        keys[layer].set(at, k);
        values[layer].set(at, v);
    }

    /** Views of the first {@code len} slots, attached to {@code step}. */
    NDArray keys(NDManager step, int layer, int len) {
        return keys[layer].get(step, new NDIndex(":, :, :{}", len));
    }

    NDArray values(NDManager step, int layer, int len) {
        return values[layer].get(step, new NDIndex(":, :, :{}", len));
    }

    void advance(int slots) {
        length += slots;
    }

    /**
     * Keeps only {@code rows} (indices into the current batch, in the new order), releasing the
     * memory of the others.
     */
    public void keepRows(int[] rows) {
        if (rows.length == padLeft.length) {
            boolean identity = true;
            for (int i = 0; i < rows.length; i++) {
                identity &= rows[i] == i;
            }
            if (identity) {
                return;
            }
        }
        try (NDManager tmp = manager.newSubManager()) {
            long[] idx = new long[rows.length];
            int[] pads = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                idx[i] = rows[i];
                pads[i] = padLeft[rows[i]];
            }
            NDArray index = tmp.create(idx);
            for (int l = 0; l < keys.length; l++) {
                keys[l] = replace(keys[l], index);
                values[l] = replace(values[l], index);
            }
            setPadLeft(pads);
        }
    }

    private NDArray replace(NDArray old, NDArray index) {
        NDArray kept = old.get(manager, new NDIndex("{}", index));
        old.close();
        return kept;
    }

    int padLeft(int row) {
        return padLeft[row];
    }

    @Override
    public void close() {
        manager.close();
    }
}
