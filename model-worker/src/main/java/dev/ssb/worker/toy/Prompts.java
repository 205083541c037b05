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
 * The prompt texts of the pipeline: the student/rollout system prompt, the hinted-teacher user
 * prompt template and the template of the ablation's teacher, shown only a correct attempt. The
 * defaults are {@code conf/prompts/*.txt}, shipped on the classpath under {@code
 * dev/ssb/worker/toy/prompts/}; trailing newlines of a file are not part of its text.
 *
 * @param system the system prompt of rollouts, student training and evaluation
 * @param teacherTemplate the teacher's user prompt: a {@link TeacherPromptTemplate}'s text
 * @param nohintTemplate the user prompt of the teacher shown no wrong attempt: a {@link
 *     TeacherPromptTemplate} text without {@code {wrong_attempt}}
 */
public record Prompts(String system, String teacherTemplate, String nohintTemplate) {

    public static final String SYSTEM_FILE = "system.txt";
    public static final String TEACHER_FILE = "teacher.txt";
    public static final String NOHINT_TEACHER_FILE = "teacher-nohint.txt";

    public Prompts {
        requireNonNull(system, "system is null");
        requireNonNull(teacherTemplate, "teacherTemplate is null");
        requireNonNull(nohintTemplate, "nohintTemplate is null");
        if (system.isBlank()) {
            throw new IllegalArgumentException("Invalid system prompt: blank");
        }
        new TeacherPromptTemplate(teacherTemplate); // checks the placeholders
        new TeacherPromptTemplate(nohintTemplate, false);
    }

    /** With the shipped template of the teacher shown no wrong attempt. */
    public Prompts(String system, String teacherTemplate) {
        this(system, teacherTemplate, shippedNohint());
    }

    /** The prompts shipped with ssb (the same text as {@code conf/prompts/}). */
    public static Prompts defaults() {
        return new Prompts(
                stripTrailingNewlines(resource(SYSTEM_FILE)),
                TeacherPromptTemplate.fromFile(resource(TEACHER_FILE)).text(),
                shippedNohint());
    }

    /**
     * Reads {@code system.txt}, {@code teacher.txt} and, when present, {@code teacher-nohint.txt}
     * (else the shipped one) from a directory such as conf/prompts.
     */
    public static Prompts fromDirectory(Path dir) {
        Path nohint = dir.resolve(NOHINT_TEACHER_FILE);
        return new Prompts(
                stripTrailingNewlines(file(dir.resolve(SYSTEM_FILE))),
                TeacherPromptTemplate.fromFile(file(dir.resolve(TEACHER_FILE))).text(),
                Files.exists(nohint)
                        ? TeacherPromptTemplate.fromFile(file(nohint), false).text()
                        : shippedNohint());
    }

    private static String shippedNohint() {
        return TeacherPromptTemplate.fromFile(resource(NOHINT_TEACHER_FILE), false).text();
    }

    /** The hinted teacher's user prompt: {@link TeacherPromptTemplate#fill}. */
    public String teacher(String question, String correctAttempt, String wrongAttempt) {
        return new TeacherPromptTemplate(teacherTemplate)
                .fill(question, correctAttempt, wrongAttempt);
    }

    /** The user prompt of the teacher shown only {@code correctAttempt}. */
    public String nohintTeacher(String question, String correctAttempt) {
        return new TeacherPromptTemplate(nohintTemplate, false)
                .fill(question, correctAttempt, null);
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
