package dev.ssb.worker.toy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.worker.toy.ToyAttempt.Mistake;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ToyWrongAttemptsTest {

    @Test
    void attemptsAreWrongWellFormedAndContainExactlyTheirMistake() {
        ToyProblemGenerator generator = new ToyProblemGenerator(11, ToyDifficulty.standard());
        SplittableRandom random = new SplittableRandom(11);
        Map<Mistake, Integer> kinds = new EnumMap<>(Mistake.class);
        for (int i = 0; i < 3000; i++) {
            ToyProblem p = generator.next("p" + i);
            ToyAttempt wrong = ToyWrongAttempts.generate(p, random);
            kinds.merge(wrong.mistake(), 1, Integer::sum);
            assertThat(wrong.answer()).as(p.question()).isNotEqualTo(p.answer());
            assertThat(wrong.steps()).hasSameSizeAs(p.steps());

            // written like a rollout: the lines parse back to the steps, the box holds the answer
            String text = ToySolutions.student(wrong);
            assertThat(ToySolutions.parseSteps(text)).isEqualTo(wrong.steps());
            assertThat(ToySolutions.boxedAnswer(text)).hasValue(wrong.answer());

            int k = wrong.mistakeStep();
            assertThat(wrong.steps().subList(0, k)).isEqualTo(p.steps().subList(0, k));
            for (int j = 0; j < wrong.steps().size(); j++) {
                ToyStep w = wrong.steps().get(j);
                ToyStep g = p.steps().get(j);
                assertThat(w.right()).isEqualTo(g.right());
                assertThat(w.result()).isLessThanOrEqualTo(ToyWrongAttempts.MAX_ATTEMPT_VALUE);
                boolean slipHere = wrong.mistake() == Mistake.SLIP && j == k;
                assertThat(w.isCorrect()).as("step %s of %s", j, text).isEqualTo(!slipHere);
                if (wrong.mistake() == Mistake.WRONG_OPERATION && j == k) {
                    assertThat(w.op()).isNotEqualTo(g.op());
                } else {
                    assertThat(w.op()).isEqualTo(g.op());
                }
            }
        }
        assertThat(kinds.get(Mistake.SLIP)).isGreaterThan(1000);
        assertThat(kinds.get(Mistake.WRONG_OPERATION)).isGreaterThan(1000);
    }

    @Test
    void sameSeedGivesSameAttempts() {
        ToyProblem p = new ToyProblemGenerator(12, ToyDifficulty.standard()).next("p");
        SplittableRandom a = new SplittableRandom(5);
        SplittableRandom b = new SplittableRandom(5);
        for (int i = 0; i < 20; i++) {
            assertThat(ToyWrongAttempts.generate(p, a)).isEqualTo(ToyWrongAttempts.generate(p, b));
        }
    }

    @Test
    void enumeratesSlipsAndWrongOperationsOfAKnownProblem() {
        // 4 + 3 = 7, 7 * 2 = 14
        ToyProblem p =
                new ToyProblem(
                        "p",
                        "q",
                        List.of(ToyStep.of(4, ToyOp.PLUS, 3), ToyStep.of(7, ToyOp.TIMES, 2)),
                        14,
                        List.of(ToyOp.PLUS, ToyOp.TIMES));
        List<ToyAttempt> all = ToyWrongAttempts.all(p);
        assertThat(all)
                .contains(
                        // slip 4 + 3 = 8, then 8 * 2 = 16
                        new ToyAttempt(
                                List.of(
                                        new ToyStep(4, ToyOp.PLUS, 3, 8),
                                        ToyStep.of(8, ToyOp.TIMES, 2)),
                                16,
                                Mistake.SLIP,
                                0),
                        // 4 - 3 = 1 instead of 4 + 3, then 1 * 2 = 2
                        new ToyAttempt(
                                List.of(
                                        ToyStep.of(4, ToyOp.MINUS, 3),
                                        ToyStep.of(1, ToyOp.TIMES, 2)),
                                2,
                                Mistake.WRONG_OPERATION,
                                0),
                        // 7 + 2 = 9 instead of 7 * 2
                        new ToyAttempt(
                                List.of(ToyStep.of(4, ToyOp.PLUS, 3), ToyStep.of(7, ToyOp.PLUS, 2)),
                                9,
                                Mistake.WRONG_OPERATION,
                                1));
        // 4 / 3 is not exact; 7 / 2 neither: no such attempts
        assertThat(all).noneMatch(a -> a.steps().stream().anyMatch(s -> s.op() == ToyOp.DIVIDE));
        assertThat(all).allMatch(a -> a.answer() != 14);
    }
}
