package dev.ssb.worker.generate;

import java.util.BitSet;

/**
 * Hugging Face's {@code RepetitionPenaltyLogitsProcessor}: the logit of every id already seen (in
 * the prompt or the reply so far, each id once) is divided by the penalty when positive and
 * multiplied by it otherwise, so a penalty above 1 always makes a seen id less likely.
 */
public final class RepetitionPenalty {
    private RepetitionPenalty() {}

    /**
     * Penalizes {@code logits[offset .. offset + count)} in place; candidate {@code i} has id
     * {@code i}.
     */
    public static void apply(float[] logits, int offset, int count, BitSet seen, float penalty) {
        for (int id = seen.nextSetBit(0); id >= 0 && id < count; id = seen.nextSetBit(id + 1)) {
            float v = logits[offset + id];
            logits[offset + id] = v < 0 ? v * penalty : v / penalty;
        }
    }
}
