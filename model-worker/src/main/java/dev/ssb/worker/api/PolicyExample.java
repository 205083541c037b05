package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

/**
 * One sampled reply of a policy-gradient (GRPO) batch: the policy saw {@code promptIds} and sampled
 * {@code replyIds}; every reply token carries the sequence's {@code advantage}.
 *
 * @param promptIds the prompt, chat template applied
 * @param replyIds the sampled reply ids, end token included when the reply stopped
 * @param advantage the group-relative advantage of the whole reply
 * @param oldLogProbs per reply token, {@code log π_old(token)} of the policy that sampled the
 *     batch; {@code null} means the current policy, detached (the first pass over a batch)
 * @param refLogProbs per reply token, {@code log π_ref(token)} of the frozen base model; {@code
 *     null} when the loss has no KL term
 */
public record PolicyExample(
        int[] promptIds,
        int[] replyIds,
        float advantage,
        float[] oldLogProbs,
        float[] refLogProbs) {
    public PolicyExample {
        requireNonNull(promptIds, "promptIds is null");
        requireNonNull(replyIds, "replyIds is null");
        if (promptIds.length == 0 || replyIds.length == 0) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid example: prompt has %s ids, reply %s (both must be"
                                    + " non-empty)",
                            promptIds.length, replyIds.length));
        }
        if (!Float.isFinite(advantage)) {
            throw new IllegalArgumentException("Invalid advantage: " + advantage);
        }
        check(oldLogProbs, replyIds.length, "oldLogProbs");
        check(refLogProbs, replyIds.length, "refLogProbs");
    }

    private static void check(float[] values, int length, String name) {
        if (values != null && values.length != length) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid example: %s has %s values for %s reply ids",
                            name, values.length, length));
        }
    }

    /** A copy with {@code oldLogProbs} set. */
    public PolicyExample withOldLogProbs(float[] old) {
        return new PolicyExample(promptIds, replyIds, advantage, old, refLogProbs);
    }
}
