package dev.ssb.worker.toy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptsTest {

    /** conf/ of this checkout: surefire runs in the module directory. */
    private static Path confPrompts() {
        Path dir = Path.of(System.getProperty("user.dir")).resolve("../conf/prompts").normalize();
        assertThat(dir.resolve(Prompts.SYSTEM_FILE))
                .as("conf/prompts next to model-worker")
                .exists();
        return dir;
    }

    @Test
    void classpathPromptsAreTheConfiguredPrompts() throws IOException {
        Path conf = confPrompts();
        Prompts defaults = Prompts.defaults();
        assertThat(defaults).isEqualTo(Prompts.fromDirectory(conf));
        assertThat(Files.readString(conf.resolve(Prompts.SYSTEM_FILE)))
                .isEqualTo(defaults.system() + "\n");
        assertThat(Files.readString(conf.resolve(Prompts.TEACHER_FILE)))
                .isEqualTo(defaults.teacherTemplate() + "\n");
        assertThat(Files.readString(conf.resolve(Prompts.NOHINT_TEACHER_FILE)))
                .isEqualTo(defaults.nohintTemplate() + "\n");
    }

    @Test
    void theNohintTeacherSeesOnlyTheCorrectAttempt() {
        Prompts p = Prompts.defaults();
        assertThat(p.nohintTemplate()).doesNotContain("{wrong_attempt}");
        assertThat(p.nohintTeacher("What is 2+3?", "2 + 3 = 5. The answer is \\boxed{5}."))
                .contains("What is 2+3?", "2 + 3 = 5. The answer is \\boxed{5}.")
                .doesNotContain("{question}", "{correct_attempt}", "wrong attempt");
    }

    @Test
    void promptsAskForBoxedAnswers() {
        Prompts p = Prompts.defaults();
        assertThat(p.system()).contains("step by step").contains("\\boxed{answer}");
        assertThat(p.teacherTemplate())
                .contains("\\boxed{answer}")
                .containsIgnoringCase("do not mention");
    }

    @Test
    void teacherSubstitutionIsSinglePassAndBraceSafe() {
        Prompts p =
                new Prompts(
                        "sys",
                        "Q={question}|C={correct_attempt}|W={wrong_attempt}|{other} \\boxed{answer}");
        assertThat(p.teacher("a {wrong_attempt} b", "\\boxed{3}", "{question}}{"))
                .isEqualTo(
                        "Q=a {wrong_attempt} b|C=\\boxed{3}|W={question}}{|{other} \\boxed{answer}");
    }

    @Test
    void rejectsTemplatesWithoutEveryPlaceholder() {
        assertThatThrownBy(() -> new Prompts("sys", "{question} {correct_attempt}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid teacher prompt template: missing placeholder {wrong_attempt}");
        assertThatThrownBy(() -> new Prompts(" ", "{question} {correct_attempt} {wrong_attempt}"))
                .hasMessageContaining("Invalid system prompt");
    }

    @Test
    void readsPromptsFromADirectoryWithoutTrailingNewlines(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(Prompts.SYSTEM_FILE), "Be brief.\n\n");
        Files.writeString(
                dir.resolve(Prompts.TEACHER_FILE),
                "{question}\n{correct_attempt}\n{wrong_attempt}\n");
        Prompts p = Prompts.fromDirectory(dir);
        assertThat(p.system()).isEqualTo("Be brief.");
        assertThat(p.teacher("q", "c", "w")).isEqualTo("q\nc\nw");
    }
}
