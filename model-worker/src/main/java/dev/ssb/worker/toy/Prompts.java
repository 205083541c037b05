package dev.ssb.worker.toy;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The prompt texts of the pipeline: the student/rollout system prompt and the hinted-teacher user
 * prompt template. The defaults are {@code conf/prompts/*.txt}, shipped on the classpath under
 * {@code dev/ssb/worker/toy/prompts/}; trailing newlines of a file are not part of its text.
 *
 * @param system the system prompt of rollouts, student training and evaluation
 * @param teacherTemplate the teacher's user prompt with {@code {question}}, {@code
 *     {correct_attempt}} and {@code {wrong_attempt}}; other braces are literal text
 */
public record Prompts(String system, String teacherTemplate) {

    public static final String SYSTEM_FILE = "system.txt";
    public static final String TEACHER_FILE = "teacher.txt";
    public static final List<String> TEACHER_PLACEHOLDERS =
            List.of("question", "correct_attempt", "wrong_attempt");

    public Prompts {
        requireNonNull(system, "system is null");
        requireNonNull(teacherTemplate, "teacherTemplate is null");
        if (system.isBlank()) {
            throw new IllegalArgumentException("Invalid system prompt: blank");
        }
        for (String name : TEACHER_PLACEHOLDERS) {
            if (!teacherTemplate.contains("{" + name + "}")) {
                throw new IllegalArgumentException(
                        "Invalid teacher template: missing placeholder {" + name + "}");
            }
        }
    }

    /** The prompts shipped with ssb (the same text as {@code conf/prompts/}). */
    public static Prompts defaults() {
        return new Prompts(resource(SYSTEM_FILE), resource(TEACHER_FILE));
    }

    /** Reads {@code system.txt} and {@code teacher.txt} from a directory such as conf/prompts. */
    public static Prompts fromDirectory(Path dir) {
        return new Prompts(file(dir.resolve(SYSTEM_FILE)), file(dir.resolve(TEACHER_FILE)));
    }

    /**
     * The hinted teacher's user prompt. Substitution is a single pass over the template, so braces
     * or placeholder names inside the values (e.g. {@code \boxed{12}}) are copied verbatim.
     */
    public String teacher(String question, String correctAttempt, String wrongAttempt) {
        return fill(
                teacherTemplate,
                Map.of(
                        "question", requireNonNull(question, "question is null"),
                        "correct_attempt", requireNonNull(correctAttempt, "correctAttempt is null"),
                        "wrong_attempt", requireNonNull(wrongAttempt, "wrongAttempt is null")));
    }

    /** Replaces each {@code {key}} of {@code values} in one left-to-right pass. */
    static String fill(String template, Map<String, String> values) {
        StringBuilder out = new StringBuilder(template.length() + 256);
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{') {
                int close = template.indexOf('}', i + 1);
                if (close > 0) {
                    String value = values.get(template.substring(i + 1, close));
                    if (value != null) {
                        out.append(value);
                        i = close + 1;
                        continue;
                    }
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static String resource(String name) {
        String path = "prompts/" + name;
        try (InputStream in = Prompts.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(
                        "Cannot load prompt: missing classpath resource dev/ssb/worker/toy/"
                                + path);
            }
            return stripTrailingNewlines(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load prompt " + path, e);
        }
    }

    private static String file(Path path) {
        try {
            return stripTrailingNewlines(Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load prompt " + path, e);
        }
    }

    static String stripTrailingNewlines(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(0, end);
    }
}
