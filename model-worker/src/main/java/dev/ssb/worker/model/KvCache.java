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
 *
 * <p>For continuous batching, {@link #admit} puts freshly prefilled sequences into rows whose
 * sequences have finished: each admitted prompt is right-aligned to end at the current length, so
 * rows keep sharing one slot clock (and the decode path stays the same) while every row has its own
 * padding and hence its own positions.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int capacity;
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

    /**
     * Continuous batching: row {@code i} of {@code prefilled} (a prefilled cache of newly admitted
     * prompts) replaces row {@code rows[i]} of this cache, right-aligned so that its prompt ends at
     * {@link #length()}; the next decode step then writes every row's next token at the same slot.
     * When the admitted prompts need room before slot 0, when the rows with {@code keep[b]} set and
     * the admitted ones could outgrow the capacity within {@code reserve} more slots, or when more
     * than a quarter of the slots are padding of every such row, the slots are shifted (dropping
     * dead slots in front, or adding some) into freshly allocated arrays with {@code reserve} slots
     * of slack beyond that. Rows that are neither kept nor admitted hold garbage afterwards.
     */
    public void admit(int[] rows, KvCache prefilled, boolean[] keep, int reserve) {
        if (rows.length != prefilled.batchSize() || keep.length != batchSize()) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid admission: %s rows for %s prefilled, %s keep flags for %s"
                                    + " rows",
                            rows.length, prefilled.batchSize(), keep.length, batchSize()));
        }
        int prompt = prefilled.length();
        int front = length - prompt; // first slot of the admitted block
        for (int b = 0; b < keep.length; b++) {
            if (keep[b]) {
                front = Math.min(front, padLeft[b]);
            }
        }
        // without a relayout the slots stay where they are: the next reserve slots must fit as is
        if (front < 0 || length + reserve > capacity || front * 4 > length) {
            relayout(front, length - front + 2 * reserve);
        }
        int[] pads = padLeft.clone();
        int start = length - prompt;
        for (int i = 0; i < rows.length; i++) {
            NDIndex block = new NDIndex("{}, :, {}:{}", rows[i], start, length);
            NDIndex source = new NDIndex("{}, :, :{}", i, prompt);
            for (int l = 0; l < keys.length; l++) {
                try (NDManager tmp = manager.newSubManager()) {
                    keys[l].set(block, prefilled.keys[l].get(tmp, source));
                    values[l].set(block, prefilled.values[l].get(tmp, source));
                }
            }
            pads[rows[i]] = start + prefilled.padLeft[i];
        }
        setPadLeft(pads);
    }

    /**
     * Moves slot {@code s} to {@code s - shift} in new arrays of {@code newCapacity} slots; slots
     * that fall off the front are dropped, pads follow (clamped at 0 for rows whose content no
     * longer matters).
     */
    private void relayout(int shift, int newCapacity) {
        int from = Math.max(0, shift);
        for (int l = 0; l < keys.length; l++) {
            keys[l] = moved(keys[l], from, shift, newCapacity);
            values[l] = moved(values[l], from, shift, newCapacity);
        }
        int[] pads = new int[padLeft.length];
        for (int b = 0; b < pads.length; b++) {
            pads[b] = Math.max(0, padLeft[b] - shift);
        }
        length -= shift;
        capacity = newCapacity;
        setPadLeft(pads);
    }

    private NDArray moved(NDArray old, int from, int shift, int newCapacity) {
        Shape s = old.getShape();
        NDArray fresh =
                manager.zeros(
                        new Shape(s.get(0), s.get(1), newCapacity, s.get(3)), old.getDataType());
        if (length > from) {
            try (NDManager tmp = manager.newSubManager()) {
                fresh.set(
                        new NDIndex(":, :, {}:{}", from - shift, length - shift),
                        old.get(tmp, new NDIndex(":, :, {}:{}", from, length)));
            }
        }
        old.close();
        return fresh;
    }

    int padLeft(int row) {
        return padLeft[row];
    }

    @Override
    public void close() {
        manager.close();
    }
}
