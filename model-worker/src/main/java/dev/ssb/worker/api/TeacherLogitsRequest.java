package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

/**
 * A teacher forward pass over {@code [prompt ‖ reply]}; distributions are returned for every reply
 * position (the distribution that predicted {@code replyIds[i]}).
 */
public record TeacherLogitsRequest(int[] promptIds, int[] replyIds) {
    public TeacherLogitsRequest {
        requireNonNull(promptIds, "promptIds is null");
        requireNonNull(replyIds, "replyIds is null");
        if (promptIds.length == 0 || replyIds.length == 0) {
            throw new IllegalArgumentException(
                    "Invalid request: prompt and reply must be non-empty");
        }
    }
}
