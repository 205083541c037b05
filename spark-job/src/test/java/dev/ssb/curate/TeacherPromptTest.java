package dev.ssb.curate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.config.Prompts;
import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.toy.ToyDataset;
import dev.ssb.worker.toy.ToyDifficulty;
import dev.ssb.worker.toy.ToyProblem;
import dev.ssb.worker.toy.ToySolutions;
import dev.ssb.worker.toy.ToyWrongAttempts;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
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

    /** The shipped template as curate reads it (conf/prompts/teacher.txt, trailing newline cut). */
    private static String shippedTemplate() {
        return TeacherPrompt.stripTrailingNewlines(Prompts.read("conf/prompts/teacher.txt"));
    }

    @Test
    void theShippedTemplateRendersTodaysTextByteForByte() {
        String user =
                TeacherPrompt.fill(
                        shippedTemplate(),
                        "What is {x}?",
                        "x = 1\nThe answer is \\boxed{1}.",
                        "x = 2\nThe answer is \\boxed{2}.");
        assertThat(user)
                .isEqualTo(
                        "Problem:\nWhat is {x}?\n\nA correct attempt:\nx = 1\nThe answer is"
                                + " \\boxed{1}.\n\nA wrong attempt:\nx = 2\nThe answer is"
                                + " \\boxed{2}.\n\nSolve it again step by step, checking the step"
                                + " where the wrong attempt slipped. Do not mention the attempts."
                                + " End with \\boxed{answer}.");
        assertThat(TeacherPrompt.messages("Be brief.", user))
                .containsExactly(ChatMessage.system("Be brief."), ChatMessage.user(user));
        assertThat(TeacherPrompt.messages("", user)).containsExactly(ChatMessage.user(user));
    }

    /**
     * Curate fills the teacher prompt exactly as the embedded toy model was trained on: the same
     * SHA-256 over 2000 toy-domain prompts that model-worker's TeacherPromptGoldenTest pins.
     */
    @Test
    void curateFillsTheTeacherPromptTheToyModelWasTrainedOn() throws Exception {
        List<ToyProblem> problems =
                ToyDataset.generate(20261126L, 2000, 0, ToyDifficulty.embedded()).train();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        String template = shippedTemplate();
        for (int i = 0; i < problems.size(); i++) {
            ToyProblem p = problems.get(i);
            String prompt =
                    TeacherPrompt.fill(
                            template,
                            p.question(),
                            ToySolutions.student(p),
                            ToySolutions.student(
                                    ToyWrongAttempts.generate(p, new SplittableRandom(i))));
            sha.update(prompt.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        assertThat(HexFormat.of().formatHex(sha.digest()))
                .isEqualTo("6b96d2e023b3441deb96c939af74a83e8d6e97c523ebffaf805ac132f23d4ea1");
    }
}
