package dev.ssb.curate;

import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.TeacherPromptTemplate;
import java.util.List;

/**
 * The hinted teacher's conversation: [system prompt, user: the teacher template filled with the
 * question, the correct attempt and the wrong attempt] — the layout the toy model was trained on.
 * The template is filled by {@link TeacherPromptTemplate}, the function the toy recipe uses too.
 */
final class TeacherPrompt {

    private TeacherPrompt() {}

    /**
     * @throws IllegalArgumentException when a placeholder is missing from {@code template}
     */
    static void checkTemplate(String template) {
        new TeacherPromptTemplate(template);
    }

    /** The user turn: {@link TeacherPromptTemplate#fill}. */
    static String fill(String template, String question, String correct, String wrong) {
        return new TeacherPromptTemplate(template).fill(question, correct, wrong);
    }

    /** [system, user] (no system turn when the system prompt is empty, as in rollouts). */
    static List<ChatMessage> messages(String systemPrompt, String userPrompt) {
        return TeacherPromptTemplate.messages(systemPrompt, userPrompt);
    }

    /**
     * A teacher prompt file's template text: without its trailing line breaks (they are not part of
     * the turn), checked for the placeholders.
     */
    static String stripTrailingNewlines(String text) {
        return TeacherPromptTemplate.fromFile(text).text();
    }
}
