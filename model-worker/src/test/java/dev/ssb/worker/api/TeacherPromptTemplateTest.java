package dev.ssb.worker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TeacherPromptTemplateTest {

    @Test
    void fillsInOnePassSoBracesAndPlaceholderNamesInValuesAreKept() {
        TeacherPromptTemplate t =
                new TeacherPromptTemplate(
                        "Q={question}|C={correct_attempt}|W={wrong_attempt}|{other} \\boxed{answer} {");
        assertThat(t.fill("a {wrong_attempt} b", "\\boxed{3}", "{question}}{"))
                .isEqualTo(
                        "Q=a {wrong_attempt} b|C=\\boxed{3}|W={question}}{|{other} \\boxed{answer} {");
    }

    @Test
    void fillsEveryOccurrenceAndCopiesReplacementCharactersLiterally() {
        TeacherPromptTemplate t =
                new TeacherPromptTemplate("{question}{question}{correct_attempt}{wrong_attempt}{");
        assertThat(t.fill("$1\\", "c", "")).isEqualTo("$1\\$1\\c{");
    }

    @Test
    void rejectsATemplateWithoutEveryPlaceholder() {
        assertThatThrownBy(() -> new TeacherPromptTemplate("{question} {correct_attempt}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid teacher prompt template: missing placeholder {wrong_attempt}");
        assertThatThrownBy(() -> new TeacherPromptTemplate("{Question} {correct_attempt}"))
                .hasMessage("Invalid teacher prompt template: missing placeholder {question}");
        TeacherPromptTemplate ok =
                new TeacherPromptTemplate("{question}{correct_attempt}{wrong_attempt}");
        assertThatThrownBy(() -> ok.fill("q", null, "w")).hasMessage("correctAttempt is null");
    }

    @Test
    void theVariantWithoutAWrongAttemptNeedsNoWrongPlaceholderAndRefusesOne() {
        TeacherPromptTemplate t =
                TeacherPromptTemplate.fromFile("Q: {question}\nRight: {correct_attempt}\n", false);
        assertThat(t.showsWrongAttempt()).isFalse();
        assertThat(t.fill("1+1?", "2", null)).isEqualTo("Q: 1+1?\nRight: 2");
        assertThat(t.fill("1+1?", "2", "3")).doesNotContain("3");
        assertThatThrownBy(
                        () ->
                                new TeacherPromptTemplate(
                                        "{question}{correct_attempt}{wrong_attempt}", false))
                .hasMessageContaining("{wrong_attempt} in a template that shows no wrong attempt");
        assertThatThrownBy(() -> new TeacherPromptTemplate("{question}", false))
                .hasMessage(
                        "Invalid teacher prompt template: missing placeholder {correct_attempt}");
        assertThat(
                        new TeacherPromptTemplate("{question}{correct_attempt}{wrong_attempt}")
                                .showsWrongAttempt())
                .isTrue();
    }

    @Test
    void aFileLosesItsTrailingLineBreaksOnly() {
        TeacherPromptTemplate t =
                TeacherPromptTemplate.fromFile(
                        "\n Q {question}\r\n{correct_attempt}\n\n{wrong_attempt} \r\n\n");
        assertThat(t.text()).isEqualTo("\n Q {question}\r\n{correct_attempt}\n\n{wrong_attempt} ");
        assertThat(t.fill("q", "c", "w")).isEqualTo("\n Q q\r\nc\n\nw ");
    }

    @Test
    void messagesHaveASystemTurnUnlessTheSystemPromptIsEmpty() {
        assertThat(TeacherPromptTemplate.messages("sys", "u"))
                .containsExactly(ChatMessage.system("sys"), ChatMessage.user("u"));
        assertThat(TeacherPromptTemplate.messages("", "u")).containsExactly(ChatMessage.user("u"));
    }
}
