package dev.ssb.curate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.config.Prompts;
import org.junit.jupiter.api.Test;

class TeacherPromptTest {

    @Test
    void fillsThePlaceholdersInOnePassSoBracesInValuesAreKept() {
        String filled =
                TeacherPrompt.fill(
                        "Q: {question}\nC: {correct_attempt}\nW: {wrong_attempt}\n{other} {",
                        "Is {wrong_attempt} a set {1,2}?",
                        "\\boxed{12}",
                        "\\frac{1}{2} {question}");
        assertThat(filled)
                .isEqualTo(
                        "Q: Is {wrong_attempt} a set {1,2}?\nC: \\boxed{12}\n"
                                + "W: \\frac{1}{2} {question}\n{other} {");
    }

    @Test
    void theShippedTemplateHasEveryPlaceholderAndNoTrailingNewline() {
        String template =
                TeacherPrompt.stripTrailingNewlines(Prompts.read("conf/prompts/teacher.txt"));
        TeacherPrompt.checkTemplate(template);
        assertThat(template).doesNotEndWith("\n").endsWith("\\boxed{answer}.");
        assertThat(TeacherPrompt.fill(template, "QQ", "CC", "WW"))
                .startsWith("Problem:\nQQ\n\nA correct attempt:\nCC\n\nA wrong attempt:\nWW\n");
    }

    @Test
    void rejectsATemplateWithoutAPlaceholder() {
        assertThatThrownBy(() -> TeacherPrompt.checkTemplate("{question} {correct_attempt}"))
                .hasMessage("Invalid teacher prompt template: missing placeholder {wrong_attempt}");
    }
}
