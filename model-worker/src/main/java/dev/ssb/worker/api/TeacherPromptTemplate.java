package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The hinted teacher's user prompt: a template text with the placeholders {@code {question}},
 * {@code {correct_attempt}} and {@code {wrong_attempt}}, and the one function that fills it. The
 * toy model's recipe (which trained the embedded model on these prompts) and the curate stage both
 * fill the teacher prompt here, so the teacher is asked at run time exactly what it was trained or
 * instructed on. Any template file with the three placeholders works (e.g. {@code
 * conf/prompts/teacher.txt}); every other brace, such as {@code \boxed{answer}}, is literal text.
 *
 * <p>The ablation that shows the teacher no wrong attempt ({@code showsWrongAttempt} false, e.g.
 * {@code conf/prompts/teacher-nohint.txt}) is a template variant of its own: it must carry {@code
 * {question}} and {@code {correct_attempt}} and must not carry {@code {wrong_attempt}}, so a
 * misspelt placeholder never silently turns the hinted teacher into the ablation.
 *
 * @param text the template, each required placeholder at least once
 * @param showsWrongAttempt whether the teacher is shown the wrong attempt
 */
public record TeacherPromptTemplate(String text, boolean showsWrongAttempt)
        implements Serializable {

    /** The placeholder names, each written {@code {name}} in a template. */
    public static final List<String> PLACEHOLDERS =
            List.of("question", "correct_attempt", "wrong_attempt");

    /**
     * @throws IllegalArgumentException naming the first placeholder the template lacks, or the
     *     wrong attempt's placeholder in a template that must not show it
     */
    public TeacherPromptTemplate {
        requireNonNull(text, "text is null");
        for (String name : PLACEHOLDERS) {
            boolean wrong = name.equals("wrong_attempt");
            boolean present = text.contains("{" + name + "}");
            if (!present && (!wrong || showsWrongAttempt)) {
                throw new IllegalArgumentException(
                        "Invalid teacher prompt template: missing placeholder {" + name + "}");
            }
            if (present && wrong && !showsWrongAttempt) {
                throw new IllegalArgumentException(
                        "Invalid teacher prompt template: placeholder {wrong_attempt} in a"
                                + " template that shows no wrong attempt");
            }
        }
    }

    /** The hinted teacher's template: all three placeholders. */
    public TeacherPromptTemplate(String text) {
        this(text, true);
    }

    /**
     * The template held by a prompt file's content: its trailing line breaks are not part of the
     * prompt (a file ends with one; the user turn does not).
     */
    public static TeacherPromptTemplate fromFile(String content) {
        return fromFile(content, true);
    }

    /** As {@link #fromFile(String)}, for the variant that does or does not show a wrong attempt. */
    public static TeacherPromptTemplate fromFile(String content, boolean showsWrongAttempt) {
        requireNonNull(content, "content is null");
        int end = content.length();
        while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) {
            end--;
        }
        return new TeacherPromptTemplate(content.substring(0, end), showsWrongAttempt);
    }

    /**
     * The teacher's user turn. Substitution is one left-to-right pass over the template, so braces
     * or placeholder names inside the values (e.g. {@code \boxed{12}}, {@code {question}}) are
     * copied verbatim. A template that shows no wrong attempt ignores {@code wrongAttempt}.
     */
    public String fill(String question, String correctAttempt, String wrongAttempt) {
        Map<String, String> values =
                showsWrongAttempt
                        ? Map.of(
                                "question", requireNonNull(question, "question is null"),
                                "correct_attempt",
                                        requireNonNull(correctAttempt, "correctAttempt is null"),
                                "wrong_attempt",
                                        requireNonNull(wrongAttempt, "wrongAttempt is null"))
                        : Map.of(
                                "question", requireNonNull(question, "question is null"),
                                "correct_attempt",
                                        requireNonNull(correctAttempt, "correctAttempt is null"));
        StringBuilder out =
                new StringBuilder(
                        text.length()
                                + question.length()
                                + correctAttempt.length()
                                + (wrongAttempt == null ? 0 : wrongAttempt.length()));
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '{') {
                int close = text.indexOf('}', i + 1);
                String value = close > 0 ? values.get(text.substring(i + 1, close)) : null;
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

    /**
     * The teacher's prompt turns: [system, user], or [user] alone when the system prompt is empty.
     */
    public static List<ChatMessage> messages(String systemPrompt, String userPrompt) {
        requireNonNull(systemPrompt, "systemPrompt is null");
        requireNonNull(userPrompt, "userPrompt is null");
        return systemPrompt.isEmpty()
                ? List.of(ChatMessage.user(userPrompt))
                : List.of(ChatMessage.system(systemPrompt), ChatMessage.user(userPrompt));
    }
}
