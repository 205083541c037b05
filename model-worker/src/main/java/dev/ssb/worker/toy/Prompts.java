package dev.ssb.worker.toy;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.TeacherPromptTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The prompt texts of the pipeline: the student/rollout system prompt and the hinted-teacher user
 * prompt template. The defaults are {@code conf/prompts/*.txt}, shipped on the classpath under
 * {@code dev/ssb/worker/toy/prompts/}; trailing newlines of a file are not part of its text.
 *
 * @param system the system prompt of rollouts, student training and evaluation
 * @param teacherTemplate the teacher's user prompt: a {@link TeacherPromptTemplate}'s text
 */
public record Prompts(String system, String teacherTemplate) {

    public static final String SYSTEM_FILE = "system.txt";
    public static final String TEACHER_FILE = "teacher.txt";

    public Prompts {
        requireNonNull(system, "system is null");
        requireNonNull(teacherTemplate, "teacherTemplate is null");
        if (system.isBlank()) {
            throw new IllegalArgumentException("Invalid system prompt: blank");
        }
        new TeacherPromptTemplate(teacherTemplate); // checks the placeholders
    }

    /** The prompts shipped with ssb (the same text as {@code conf/prompts/}). */
    public static Prompts defaults() {
        return new Prompts(
                stripTrailingNewlines(resource(SYSTEM_FILE)),
                TeacherPromptTemplate.fromFile(resource(TEACHER_FILE)).text());
    }

    /** Reads {@code system.txt} and {@code teacher.txt} from a directory such as conf/prompts. */
    public static Prompts fromDirectory(Path dir) {
        return new Prompts(
                stripTrailingNewlines(file(dir.resolve(SYSTEM_FILE))),
                TeacherPromptTemplate.fromFile(file(dir.resolve(TEACHER_FILE))).text());
    }

    /** The hinted teacher's user prompt: {@link TeacherPromptTemplate#fill}. */
    public String teacher(String question, String correctAttempt, String wrongAttempt) {
        return new TeacherPromptTemplate(teacherTemplate)
                .fill(question, correctAttempt, wrongAttempt);
    }

    private static String resource(String name) {
        String path = "prompts/" + name;
        try (InputStream in = Prompts.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(
                        "Cannot load prompt: missing classpath resource dev/ssb/worker/toy/"
                                + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load prompt " + path, e);
        }
    }

    private static String file(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
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
