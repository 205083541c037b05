package dev.ssb.worker.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Prompt/reply pairs laid out for one causal-LM forward pass: right-padded {@code [prompt ‖ reply]}
 * rows and, for every reply token, the flat index of the position whose logits predict it.
 *
 * @param inputIds {@code [batch, seq]} int64; a row's last reply token is not fed, as nothing
 *     follows it
 * @param attentionMask {@code [batch, seq]} float32, 1 on real tokens, 0 on padding
 * @param positions {@code [n]} int64 indices into {@code [batch * seq]}: row b, column {@code P_b −
 *     1 + j} predicts reply token j
 * @param targets {@code [n]} int64 reply ids, in the same order
 */
record PackedBatch(NDArray inputIds, NDArray attentionMask, NDArray positions, NDArray targets) {

    /** Number of reply tokens. */
    long tokens() {
        return targets.getShape().get(0);
    }

    /**
     * Lays out the pairs in {@code manager}.
     *
     * @throws IllegalArgumentException when there are no pairs or a prompt or reply is empty
     */
    static PackedBatch of(List<int[]> prompts, List<int[]> replies, NDManager manager) {
        if (prompts.isEmpty() || prompts.size() != replies.size()) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid batch: %s prompts, %s replies (must be equal, > 0)",
                            prompts.size(), replies.size()));
        }
        int batch = prompts.size();
        int seq = 0;
        int n = 0;
        for (int e = 0; e < batch; e++) {
            int p = prompts.get(e).length;
            int r = replies.get(e).length;
            if (p == 0 || r == 0) {
                throw new IllegalArgumentException(
                        String.format(
                                "Invalid example %s: prompt has %s ids, reply %s (both must be"
                                        + " non-empty)",
                                e, p, r));
            }
            seq = Math.max(seq, p + r - 1);
            n += r;
        }
        long[] ids = new long[batch * seq];
        float[] mask = new float[batch * seq];
        long[] positions = new long[n];
        long[] targets = new long[n];
        int row = 0;
        for (int e = 0; e < batch; e++) {
            int[] prompt = prompts.get(e);
            int[] reply = replies.get(e);
            int base = e * seq;
            for (int i = 0; i < prompt.length; i++) {
                ids[base + i] = prompt[i];
                mask[base + i] = 1f;
            }
            for (int j = 0; j < reply.length; j++) {
                if (j < reply.length - 1) {
                    ids[base + prompt.length + j] = reply[j];
                    mask[base + prompt.length + j] = 1f;
                }
                positions[row] = base + prompt.length - 1 + j;
                targets[row] = reply[j];
                row++;
            }
        }
        return new PackedBatch(
                manager.create(ids, new Shape(batch, seq)),
                manager.create(mask, new Shape(batch, seq)),
                manager.create(positions),
                manager.create(targets));
    }
}
