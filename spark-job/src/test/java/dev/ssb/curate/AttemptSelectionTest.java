package dev.ssb.curate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.curate.AttemptSelection.Attempt;
import dev.ssb.curate.AttemptSelection.Fate;
import dev.ssb.curate.AttemptSelection.Result;
import dev.ssb.spark.ExecutorVerifier;
import dev.ssb.worker.api.Verdict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

class AttemptSelectionTest {

    private static final BiPredicate<String, String> VERIFIER =
            (a, b) -> ExecutorVerifier.get().compare(a, b).verdict() == Verdict.CORRECT;

    private static Attempt right(int idx) {
        return new Attempt(idx, "ok " + idx, "CORRECT", "1000");
    }

    private static Attempt wrong(int idx, String answer) {
        return new Attempt(idx, "bad " + idx + " " + answer, "WRONG", answer);
    }

    private static Attempt silent(int idx, String verdict) {
        return new Attempt(idx, "hmm " + idx, verdict, null);
    }

    private static Result select(List<Attempt> attempts, long seed) {
        return AttemptSelection.select(attempts, VERIFIER, new SplittableRandom(seed));
    }

    @Test
    void problemsWithoutACorrectAndAWrongRolloutAreNotSelected() {
        assertThat(select(List.of(right(0), silent(1, "NO_ANSWER"), silent(2, "TRUNCATED")), 1))
                .extracting(Result::fate, Result::nCorrect, Result::nWrong, Result::samples)
                .containsExactly(Fate.ALL_CORRECT, 1, 0, 3);
        assertThat(select(List.of(wrong(0, "3"), silent(1, "TIMEOUT")), 1))
                .extracting(Result::fate, Result::nCorrect, Result::nWrong)
                .containsExactly(Fate.ALL_WRONG, 0, 1);
        Result none = select(List.of(silent(0, "NO_ANSWER"), silent(1, "TRUNCATED")), 1);
        assertThat(none.fate()).isEqualTo(Fate.NO_ANSWER);
        assertThat(none.correct()).isNull();
        assertThat(none.wrongAnswerCount()).isZero();
        assertThat(select(List.of(), 1).fate()).isEqualTo(Fate.NO_ROLLOUTS);
    }

    @Test
    void picksTheMostCommonWrongAnswerGroupedByEquivalence() {
        // 999 appears twice verbatim, but "1,000", "1000" and "1000.0" are one answer, three times
        List<Attempt> attempts =
                List.of(
                        wrong(0, "999"),
                        wrong(1, "1,000"),
                        right(2),
                        wrong(3, "999"),
                        wrong(4, "1000"),
                        wrong(5, "1000.0"));
        for (long seed = 0; seed < 20; seed++) {
            Result r = select(attempts, seed);
            assertThat(r.fate()).isEqualTo(Fate.SELECTED);
            assertThat(r.wrongAnswerCount()).isEqualTo(3);
            assertThat(r.wrong().sampleIdx()).isIn(1, 4, 5);
            assertThat(r.correct().sampleIdx()).isEqualTo(2);
            assertThat(r.nWrong()).isEqualTo(5);
        }
    }

    @Test
    void tiesAreBrokenBySeedNotByPositionAndTheSameSeedGivesTheSamePick() {
        List<Attempt> attempts = List.of(right(0), wrong(1, "5"), right(2), wrong(3, "6"));
        Set<Integer> wrongPicks = new HashSet<>();
        Set<Integer> correctPicks = new HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            Result r = select(attempts, seed);
            assertThat(r.wrongAnswerCount()).isEqualTo(1);
            wrongPicks.add(r.wrong().sampleIdx());
            correctPicks.add(r.correct().sampleIdx());
            assertThat(select(attempts, seed)).isEqualTo(r);
        }
        assertThat(wrongPicks).containsExactlyInAnyOrder(1, 3);
        assertThat(correctPicks).containsExactlyInAnyOrder(0, 2);
    }

    @Test
    void theInputOrderDoesNotMatter() {
        List<Attempt> attempts =
                new ArrayList<>(
                        List.of(right(0), wrong(1, "5"), right(2), wrong(3, "6"), wrong(4, "7")));
        List<Attempt> shuffled = new ArrayList<>(attempts);
        Collections.shuffle(shuffled, new java.util.Random(3));
        for (long seed = 0; seed < 10; seed++) {
            assertThat(select(shuffled, seed)).isEqualTo(select(attempts, seed));
        }
    }
}
