package dev.ssb.curate;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.ChatMessage;
import java.util.List;
import java.util.Map;

/**
 * The hinted teacher's conversation: [system prompt, user: the teacher template filled with the
 * question, the correct attempt and the wrong attempt] — the layout the toy model was trained on.
 */
final class TeacherPrompt {

    static final List<String> PLACEHOLDERS =
            List.of("question", "correct_attempt", "wrong_attempt");

    private TeacherPrompt() {}

    /**
     * @throws IllegalArgumentException when a placeholder is missing from {@code template}
     */
    static void checkTemplate(String template) {
        for (String name : PLACEHOLDERS) {
            if (!template.contains("{" + name + "}")) {
                throw new IllegalArgumentException(
                        "Invalid teacher prompt template: missing placeholder {" + name + "}");
            }
        }
    }

    /** The user turn: one left-to-right pass, so braces inside the values are copied verbatim. */
    static String fill(String template, String question, String correct, String wrong) {
        Map<String, String> values =
                Map.of(
                        "question", requireNonNull(question, "question is null"),
                        "correct_attempt", requireNonNull(correct, "correct is null"),
                        "wrong_attempt", requireNonNull(wrong, "wrong is null"));
        StringBuilder out = new StringBuilder(template.length() + 1024);
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{') {
                int close = template.indexOf('}', i + 1);
                String value = close > 0 ? values.get(template.substring(i + 1, close)) : null;
                if (value != null) {
                    out.append(value);
                    i = close + 1;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** [system, user] (no system turn when the system prompt is empty, as in rollouts). */
    static List<ChatMessage> messages(String systemPrompt, String userPrompt) {
        return systemPrompt.isEmpty()
                ? List.of(ChatMessage.user(userPrompt))
                : List.of(ChatMessage.system(systemPrompt), ChatMessage.user(userPrompt));
    }

    /** A prompt file's text without its trailing line breaks (they are not part of the turn). */
    static String stripTrailingNewlines(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(0, end);
    }
}
