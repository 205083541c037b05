package dev.ssb.worker.toy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.toy.ToyAttempt.Mistake;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ToySolutionsTest {

    // 12 + 5 = 17, 17 * 2 = 34, 34 / 2 = 17
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

    private static final ToyAttempt SLIP_IN_SECOND_STEP =
            new ToyAttempt(
                    List.of(
                            ToyStep.of(12, ToyOp.PLUS, 5),
                            new ToyStep(17, ToyOp.TIMES, 2, 36),
                            ToyStep.of(36, ToyOp.DIVIDE, 2)),
                    18,
                    Mistake.SLIP,
                    1);

    @Test
    void writesTheThreeForms() {
        assertThat(ToySolutions.gsm8k(PROBLEM))
                .isEqualTo("12 + 5 = 17\n17 * 2 = 34\n34 / 2 = 17\n#### 17");
        assertThat(ToySolutions.student(PROBLEM))
                .isEqualTo("12 + 5 = 17\n17 * 2 = 34\n34 / 2 = 17\nThe answer is \\boxed{17}.");
        assertThat(ToySolutions.student(SLIP_IN_SECOND_STEP))
                .isEqualTo("12 + 5 = 17\n17 * 2 = 36\n36 / 2 = 18\nThe answer is \\boxed{18}.");
        assertThat(ToySolutions.teacher(PROBLEM, SLIP_IN_SECOND_STEP))
                .isEqualTo("12 + 5 = 17\n17 * 2 = 34\n34 / 2 = 17\nThe answer is \\boxed{17}.");
        assertThat(ToySolutions.parseSteps("12 + 5 = 17\nCheck: 17 - 5 = 12.\n17 * 2 = 34"))
                .containsExactly(ToyStep.of(12, ToyOp.PLUS, 5), ToyStep.of(17, ToyOp.TIMES, 2));
    }

    @Test
    void teacherRepliesAreTheCorrectSolutionAndNeverMentionTheAttempts() {
        ToyProblemGenerator generator = new ToyProblemGenerator(21, ToyDifficulty.standard());
        SplittableRandom random = new SplittableRandom(21);
        for (int i = 0; i < 2000; i++) {
            ToyProblem p = generator.next("p" + i);
            ToyAttempt wrong = ToyWrongAttempts.generate(p, random);
            String reply = ToySolutions.teacher(p, wrong);
            assertThat(ToySolutions.parseSteps(reply)).isEqualTo(p.steps());
            assertThat(ToySolutions.boxedAnswer(reply)).hasValue(p.answer());
            assertThat(reply.toLowerCase(java.util.Locale.ROOT))
                    .doesNotContain("attempt", "check", "wrong");
        }
    }

    @Test
    void teacherRejectsAnAttemptWithTheGoldAnswer() {
        ToyAttempt notWrong = new ToyAttempt(PROBLEM.steps(), 17, Mistake.SLIP, 0);
        assertThatThrownBy(() -> ToySolutions.teacher(PROBLEM, notWrong))
                .hasMessageContaining("its answer 17 is the gold answer");
    }

    @Test
    void parsesAnswersAndSteps() {
        assertThat(ToySolutions.boxedAnswer("a \\boxed{3} then \\boxed{41}.")).hasValue(41);
        assertThat(ToySolutions.boxedAnswer("no box")).isEmpty();
        assertThat(ToySolutions.boxedAnswer("\\boxed{99999999999999}")).isEmpty();
        assertThat(ToySolutions.gsm8kAnswer("1 + 1 = 2\n#### 2")).hasValue(2);
        assertThat(ToySolutions.parseSteps("x\n3 * 4 = 13\n 1 + 1 = 2\n5 - 1 = 4"))
                .containsExactly(new ToyStep(3, ToyOp.TIMES, 4, 13), ToyStep.of(5, ToyOp.MINUS, 1));
        assertThat(ToyStep.parse("3 % 4 = 1")).isEmpty();
    }

    @Test
    void conversationsUseThePromptsAndTheSolutionForms() {
        Prompts prompts = Prompts.defaults();
        ToyConversations conversations = new ToyConversations(prompts);
        assertThat(conversations.student(PROBLEM))
                .containsExactly(
                        ChatMessage.system(prompts.system()),
                        ChatMessage.user(PROBLEM.question()),
                        ChatMessage.assistant(ToySolutions.student(PROBLEM)));
        List<ChatMessage> teacher = conversations.teacher(PROBLEM, SLIP_IN_SECOND_STEP);
        assertThat(teacher.get(0)).isEqualTo(ChatMessage.system(prompts.system()));
        assertThat(teacher.get(1).role()).isEqualTo("user");
        String prompt = teacher.get(1).content();
        assertThat(prompt)
                .contains(PROBLEM.question())
                .contains(ToySolutions.student(PROBLEM))
                .contains(ToySolutions.student(SLIP_IN_SECOND_STEP))
                .doesNotContain("{question}", "{correct_attempt}", "{wrong_attempt}");
        assertThat(prompt.indexOf(ToySolutions.student(PROBLEM)))
                .isLessThan(prompt.indexOf(ToySolutions.student(SLIP_IN_SECOND_STEP)));
        assertThat(teacher.get(2))
                .isEqualTo(
                        ChatMessage.assistant(ToySolutions.teacher(PROBLEM, SLIP_IN_SECOND_STEP)));
    }
}
