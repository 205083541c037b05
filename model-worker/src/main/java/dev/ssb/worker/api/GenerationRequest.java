package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

/**
 * One sequence to generate.
 *
 * @param promptIds the rendered, tokenized prompt (non-empty)
 * @param seed this sequence's own random stream: the same seed gives the same tokens whatever the
 *     batch it is decoded in
 */
public record GenerationRequest(int[] promptIds, long seed) {
    public GenerationRequest {
        requireNonNull(promptIds, "promptIds is null");
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("Invalid promptIds: empty");
        }
    }
}
