package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

/**
 * A generated reply.
 *
 * @param tokenIds every sampled id, including the end token when finishReason is STOP
 * @param text the decoded reply without the end token
 * @param finishReason why decoding stopped
 */
public record Generation(int[] tokenIds, String text, FinishReason finishReason) {
    public Generation {
        requireNonNull(tokenIds, "tokenIds is null");
        requireNonNull(text, "text is null");
        requireNonNull(finishReason, "finishReason is null");
    }
}
