package dev.ssb.worker.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.ssb.worker.api.KdExample;
import dev.ssb.worker.api.TeacherLogits;
import java.util.ArrayList;
import java.util.List;

/**
 * A distillation batch: the packed student inputs and, row for row with its reply tokens, the
 * stored teacher distributions.
 *
 * @param packed student prompt ‖ reply layout
 * @param topkIds {@code [n, k]} int64
 * @param topkLogits {@code [n, k]} float32 raw teacher logits
 * @param logSumExp {@code [n]} float32
 */
record KdBatch(PackedBatch packed, NDArray topkIds, NDArray topkLogits, NDArray logSumExp) {

    /**
     * Lays out {@code examples} in {@code manager}.
     *
     * @param validVocab the tokenizer's vocabulary size: every prompt, reply and teacher id lies
     *     below it
     * @throws IllegalArgumentException when an example has an empty prompt or reply or an id
     *     outside the vocabulary, examples disagree on k, or a teacher's temperature is not {@code
     *     temperature}
     */
    static KdBatch of(
            List<KdExample> examples, float temperature, int validVocab, NDManager manager) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("Invalid batch: no examples");
        }
        int k = examples.get(0).teacher().k();
        List<int[]> prompts = new ArrayList<>(examples.size());
        List<int[]> replies = new ArrayList<>(examples.size());
        int n = 0;
        for (int e = 0; e < examples.size(); e++) {
            KdExample ex = examples.get(e);
            TeacherLogits t = ex.teacher();
            if (t.k() != k) {
                throw new IllegalArgumentException(
                        String.format("Invalid example %s: k=%s, batch has k=%s", e, t.k(), k));
            }
            if (t.temperature() != temperature) {
                throw new IllegalArgumentException(
                        String.format(
                                "Invalid example %s: teacher log-sum-exp at temperature %s, loss"
                                        + " temperature %s",
                                e, t.temperature(), temperature));
            }
            PackedBatch.checkIds(t.topkIds(), validVocab, e, "teacher top-k");
            prompts.add(ex.studentPromptIds());
            replies.add(ex.replyIds());
            n += ex.replyIds().length;
        }
        PackedBatch packed = PackedBatch.of(prompts, replies, validVocab, manager);
        long[] topkIds = new long[n * k];
        float[] topkLogits = new float[n * k];
        float[] lse = new float[n];
        int row = 0;
        for (KdExample ex : examples) {
            TeacherLogits t = ex.teacher();
            int r = ex.replyIds().length;
            for (int i = 0; i < r * k; i++) {
                topkIds[row * k + i] = t.topkIds()[i];
            }
            System.arraycopy(t.topkLogits(), 0, topkLogits, row * k, r * k);
            System.arraycopy(t.logSumExp(), 0, lse, row, r);
            row += r;
        }
        return new KdBatch(
                packed,
                manager.create(topkIds, new Shape(n, k)),
                manager.create(topkLogits, new Shape(n, k)),
                manager.create(lse));
    }

    /**
     * The teacher distributions and targets of reply positions {@code [from, to)}, sliced into
     * {@code manager}.
     */
    Rows rows(NDManager manager, int from, int to) {
        NDIndex range = new NDIndex("{}:{}", from, to);
        return new Rows(
                topkIds.get(manager, range),
                topkLogits.get(manager, range),
                logSumExp.get(manager, range),
                packed.targets().get(manager, range));
    }

    /**
     * Teacher rows {@code [m, k]}, log-sum-exps and CE targets {@code [m]} of m reply positions.
     */
    record Rows(NDArray topkIds, NDArray topkLogits, NDArray logSumExp, NDArray targets) {}

    long tokens() {
        return packed.tokens();
    }
}
