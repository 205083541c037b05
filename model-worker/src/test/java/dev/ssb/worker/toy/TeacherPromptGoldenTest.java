package dev.ssb.worker.toy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.toy.ToyAttempt.Mistake;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Pins the hinted-teacher prompt the embedded toy model was trained on: its text must never change
 * (the committed model and the demo's numbers depend on it), whichever code fills the template.
 */
class TeacherPromptGoldenTest {

    private static final ToyProblem PROBLEM =
            new ToyProblem(
                    "p",
                    "Mia has 12 apples. She finds 5 more. She then has 2 times as many."
                            + " She keeps 1 of 2 equal parts. How many apples does Mia have now?",
                    List.of(
                            ToyStep.of(12, ToyOp.PLUS, 5),
                            ToyStep.of(17, ToyOp.TIMES, 2),
                            ToyStep.of(34, ToyOp.DIVIDE, 2)),
                    17,
                    List.of(ToyOp.PLUS, ToyOp.TIMES, ToyOp.DIVIDE));

    private static final ToyAttempt SLIP =
            new ToyAttempt(
                    List.of(
                            ToyStep.of(12, ToyOp.PLUS, 5),
                            new ToyStep(17, ToyOp.TIMES, 2, 36),
                            ToyStep.of(36, ToyOp.DIVIDE, 2)),
                    18,
                    Mistake.SLIP,
                    1);

    /** The rendering of today's code (commit a314a26), written out in full. */
    private static final String GOLDEN =
            "Problem:\n"
                    + "Mia has 12 apples. She finds 5 more. She then has 2 times as many. She keeps"
                    + " 1 of 2 equal parts. How many apples does Mia have now?\n"
                    + "\n"
                    + "A correct attempt:\n"
                    + "12 + 5 = 17\n"
                    + "17 * 2 = 34\n"
                    + "34 / 2 = 17\n"
                    + "The answer is \\boxed{17}.\n"
                    + "\n"
                    + "A wrong attempt:\n"
                    + "12 + 5 = 17\n"
                    + "17 * 2 = 36\n"
                    + "36 / 2 = 18\n"
                    + "The answer is \\boxed{18}.\n"
                    + "\n"
                    + "Solve it again step by step, checking the step where the wrong attempt"
                    + " slipped. Do not mention the attempts. End with \\boxed{answer}.";

    /** SHA-256 of 2000 embedded-domain teacher prompts joined by NUL, from today's code. */
    private static final String GOLDEN_SHA256 =
            "6b96d2e023b3441deb96c939af74a83e8d6e97c523ebffaf805ac132f23d4ea1";

    @Test
    void theTeacherPromptOfOneProblemIsTodays() {
        List<ChatMessage> conversation =
                new ToyConversations(Prompts.defaults()).teacher(PROBLEM, SLIP);
        assertThat(conversation.get(1)).isEqualTo(ChatMessage.user(GOLDEN));
        assertThat(
                        Prompts.defaults()
                                .teacher(
                                        PROBLEM.question(),
                                        ToySolutions.student(PROBLEM),
                                        ToySolutions.student(SLIP)))
                .isEqualTo(GOLDEN);
    }

    @Test
    void theTeacherPromptsOfTheEmbeddedDomainAreTodays() throws NoSuchAlgorithmException {
        ToyConversations conversations = new ToyConversations(Prompts.defaults());
        List<ToyProblem> problems =
                ToyDataset.generate(20261126L, 2000, 0, ToyDifficulty.embedded()).train();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < problems.size(); i++) {
            String prompt =
                    conversations
                            .teacher(problems.get(i), new SplittableRandom(i))
                            .get(1)
                            .content();
            sha.update(prompt.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(GOLDEN_SHA256);
    }
}
