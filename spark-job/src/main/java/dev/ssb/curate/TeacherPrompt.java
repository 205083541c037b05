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
        checkTemplate(template, true);
    }

    /** As {@link #checkTemplate(String)}, for either variant of the template. */
    static void checkTemplate(String template, boolean showWrong) {
        new TeacherPromptTemplate(template, showWrong);
    }

    /** The hinted teacher's user turn: {@link TeacherPromptTemplate#fill}. */
    static String fill(String template, String question, String correct, String wrong) {
        return fill(template, true, question, correct, wrong);
    }

    /** The user turn of either variant: {@link TeacherPromptTemplate#fill}. */
    static String fill(
            String template, boolean showWrong, String question, String correct, String wrong) {
        return new TeacherPromptTemplate(template, showWrong).fill(question, correct, wrong);
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
        return stripTrailingNewlines(text, true);
    }

    /** As {@link #stripTrailingNewlines(String)}, for either variant of the template. */
    static String stripTrailingNewlines(String text, boolean showWrong) {
        return TeacherPromptTemplate.fromFile(text, showWrong).text();
    }
}
