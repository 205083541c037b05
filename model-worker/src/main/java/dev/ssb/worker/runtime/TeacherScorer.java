package dev.ssb.worker.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.ssb.worker.api.TeacherLogits;
import dev.ssb.worker.api.TeacherLogitsRequest;
import dev.ssb.worker.model.Transformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Teacher logits: one forward pass per batch of right-padded {@code [prompt ‖ reply]} rows; for
 * reply position {@code i} the distribution at absolute position {@code P - 1 + i} is reduced on
 * the device to its top-k ids and raw logits and the log-sum-exp of logits / T over the tokenizer's
 * vocabulary. Only {@code [positions, k]} values reach the JVM.
 */
final class TeacherScorer {
    /** Logit rows materialised at once: bounds memory at a 152k vocabulary (~64 MB). */
    private static final long MAX_LOGIT_VALUES = 16L << 20;

    private final Transformer model;
    private final int validVocab;
    private final int maxBatchTokens;

    TeacherScorer(Transformer model, int validVocab, int maxBatchTokens) {
        this.model = model;
        this.validVocab = validVocab;
        this.maxBatchTokens = maxBatchTokens;
    }

    List<TeacherLogits> score(List<TeacherLogitsRequest> requests, int topK, float temperature) {
        if (topK <= 0) {
            throw new IllegalArgumentException("Invalid top_k: " + topK + " (must be > 0)");
        }
        if (!(temperature > 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException(
                    "Invalid temperature: " + temperature + " (must be > 0)");
        }
        int k = Math.min(topK, validVocab);
        Integer[] order = IntStream.range(0, requests.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt(i -> length(requests.get(i))));
        TeacherLogits[] out = new TeacherLogits[requests.size()];
        int from = 0;
        while (from < order.length) {
            int to = from + 1;
            while (to < order.length
                    && (long) (to - from + 1) * length(requests.get(order[to])) <= maxBatchTokens) {
                to++;
            }
            List<TeacherLogitsRequest> batch = new ArrayList<>();
            for (int j = from; j < to; j++) {
                batch.add(requests.get(order[j]));
            }
            List<TeacherLogits> scored = scoreBatch(batch, k, temperature);
            for (int j = from; j < to; j++) {
                out[order[j]] = scored.get(j - from);
            }
            from = to;
        }
        return Arrays.asList(out);
    }

    private static int length(TeacherLogitsRequest r) {
        return r.promptIds().length + r.replyIds().length;
    }

    private List<TeacherLogits> scoreBatch(List<TeacherLogitsRequest> batch, int k, float t) {
        int n = batch.size();
        int width = batch.stream().mapToInt(TeacherScorer::length).max().orElseThrow();
        long[] ids = new long[n * width];
        long[] mask = new long[n * width];
        int totalReply = batch.stream().mapToInt(r -> r.replyIds().length).sum();
        long[] rows = new long[totalReply];
        int next = 0;
        for (int b = 0; b < n; b++) {
            int[] p = batch.get(b).promptIds();
            int[] r = batch.get(b).replyIds();
            for (int j = 0; j < p.length + r.length; j++) {
                int id = j < p.length ? p[j] : r[j - p.length];
                if (id < 0 || id >= model.config().vocabSize()) {
                    throw new IllegalArgumentException(
                            "Invalid token id: "
                                    + id
                                    + " (vocab "
                                    + model.config().vocabSize()
                                    + ")");
                }
                ids[b * width + j] = id;
                mask[b * width + j] = 1;
            }
            for (int i = 0; i < r.length; i++) {
                rows[next++] = (long) b * width + p.length - 1 + i;
            }
        }
        int[] topIds = new int[totalReply * k];
        float[] topLogits = new float[totalReply * k];
        float[] lse = new float[totalReply];
        try (NDManager step = model.manager().newSubManager()) {
            NDArray hidden =
                    model.hidden(
                            step.create(ids, new Shape(n, width)),
                            step.create(mask, new Shape(n, width)));
            NDArray selected =
                    hidden.reshape(n * (long) width, -1).get(new NDIndex("{}", step.create(rows)));
            int chunk = (int) Math.max(1, Math.min(totalReply, MAX_LOGIT_VALUES / validVocab));
            for (int start = 0; start < totalReply; start += chunk) {
                int end = Math.min(totalReply, start + chunk);
                try (NDManager sub = step.newSubManager()) {
                    NDArray part = selected.get(sub, new NDIndex("{}:{}", start, end));
                    NDArray logits = model.logits(part, validVocab); // [rows, validVocab]
                    NDArray scaled = logits.div(t);
                    NDArray max = scaled.max(new int[] {1}, true);
                    NDArray logSumExp =
                            scaled.sub(max).exp().sum(new int[] {1}, true).log().add(max);
                    NDList top = logits.topK(k, 1, true, true);
                    float[] l = logSumExp.toFloatArray();
                    float[] v = top.get(0).toFloatArray();
                    long[] i = top.get(1).toLongArray();
                    System.arraycopy(l, 0, lse, start, l.length);
                    System.arraycopy(v, 0, topLogits, start * k, v.length);
                    for (int j = 0; j < i.length; j++) {
                        topIds[start * k + j] = (int) i[j];
                    }
                }
            }
        }
        List<TeacherLogits> out = new ArrayList<>(n);
        int offset = 0;
        for (TeacherLogitsRequest r : batch) {
            int len = r.replyIds().length;
            out.add(
                    new TeacherLogits(
                            k,
                            t,
                            Arrays.copyOfRange(topIds, offset * k, (offset + len) * k),
                            Arrays.copyOfRange(topLogits, offset * k, (offset + len) * k),
                            Arrays.copyOfRange(lse, offset, offset + len)));
            offset += len;
        }
        return out;
    }
}
