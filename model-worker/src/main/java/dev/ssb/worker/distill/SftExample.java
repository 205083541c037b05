package dev.ssb.worker.distill;

import static java.util.Objects.requireNonNull;

/**
 * A supervised example for full-parameter training: the loss is the cross-entropy of {@code
 * replyIds} (assistant tokens, end-of-turn included) given {@code promptIds}; prompt tokens are
 * context only.
 */
public record SftExample(int[] promptIds, int[] replyIds) {
    public SftExample {
        requireNonNull(promptIds, "promptIds is null");
        requireNonNull(replyIds, "replyIds is null");
        if (promptIds.length == 0 || replyIds.length == 0) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid example: prompt has %s ids, reply %s (both must be"
                                    + " non-empty)",
                            promptIds.length, replyIds.length));
        }
    }
}
