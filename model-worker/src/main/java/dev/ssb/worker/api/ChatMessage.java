package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

/**
 * One turn of a conversation: {@code role} is {@code system}, {@code user} or {@code assistant}.
 */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        requireNonNull(role, "role is null");
        requireNonNull(content, "content is null");
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }
}
