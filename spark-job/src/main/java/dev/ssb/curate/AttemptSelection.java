package dev.ssb.curate;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiPredicate;

/**
 * Chooses the two attempts shown to the hinted teacher: a correct rollout, and a rollout carrying
 * the most common wrong answer. Wrong answers are grouped by equivalence ({@code 1,000} and {@code
 * 1000} are one answer); ties between equally common answers, and the choice among equal attempts,
 * are drawn from a seeded random stream, so the pick depends only on the problem and the seed.
 */
final class AttemptSelection {

    /** What happens to a problem before the teacher is asked. */
    enum Fate {
        /** At least one correct and one wrong rollout: the teacher is asked. */
        SELECTED,
        /** Correct rollouts but no wrong answer (the rest gave no answer). */
        ALL_CORRECT,
        /** Wrong answers but no correct rollout. */
        ALL_WRONG,
        /** No rollout gave a checkable answer (no answer, truncated or verifier timeout). */
        NO_ANSWER,
        /** The rollouts table has no row for the problem. */
        NO_ROLLOUTS
    }

    /**
     * One rollout of a problem.
     *
     * @param sampleIdx sample_idx
     * @param completion the generated text
     * @param verdict CORRECT, WRONG, NO_ANSWER, TRUNCATED or TIMEOUT
     * @param answer the extracted answer, or null
     */
    record Attempt(int sampleIdx, String completion, String verdict, String answer) {
        Attempt {
            requireNonNull(completion, "completion is null");
            requireNonNull(verdict, "verdict is null");
        }

        boolean isCorrect() {
            return "CORRECT".equals(verdict);
        }

        boolean isWrong() {
            return "WRONG".equals(verdict) && answer != null;
        }
    }

    /**
     * The outcome for one problem.
     *
     * @param fate SELECTED when {@code correct} and {@code wrong} are set
     * @param samples rollouts seen
     * @param nCorrect CORRECT rollouts
     * @param nWrong WRONG rollouts
     * @param correct the chosen correct attempt, or null
     * @param wrong the chosen wrong attempt, or null
     * @param wrongAnswerCount rollouts whose answer is equivalent to {@code wrong}'s (0 when none)
     */
    record Result(
            Fate fate,
            int samples,
            int nCorrect,
            int nWrong,
            Attempt correct,
            Attempt wrong,
            int wrongAnswerCount) {
        Result {
            requireNonNull(fate, "fate is null");
            if ((fate == Fate.SELECTED) != (correct != null && wrong != null)) {
                throw new IllegalArgumentException(
                        "Invalid selection: fate " + fate + " with correct/wrong attempts");
            }
        }
    }

    private AttemptSelection() {}

    /**
     * @param attempts the problem's rollouts, in any order
     * @param sameAnswer whether two extracted answers are equivalent
     * @param random the problem's own stream (three draws when SELECTED, none otherwise)
     */
    static Result select(
            List<Attempt> attempts,
            BiPredicate<String, String> sameAnswer,
            SplittableRandom random) {
        List<Attempt> sorted = new ArrayList<>(attempts);
        sorted.sort(Comparator.comparingInt(Attempt::sampleIdx));
        List<Attempt> correct = sorted.stream().filter(Attempt::isCorrect).toList();
        List<Attempt> wrong = sorted.stream().filter(Attempt::isWrong).toList();
        int n = sorted.size();
        if (n == 0) {
            return new Result(Fate.NO_ROLLOUTS, 0, 0, 0, null, null, 0);
        }
        if (correct.isEmpty() || wrong.isEmpty()) {
            Fate fate =
                    !correct.isEmpty()
                            ? Fate.ALL_CORRECT
                            : !wrong.isEmpty() ? Fate.ALL_WRONG : Fate.NO_ANSWER;
            return new Result(fate, n, correct.size(), wrong.size(), null, null, 0);
        }
        List<List<Attempt>> groups = groupByAnswer(wrong, sameAnswer);
        int largest = groups.stream().mapToInt(List::size).max().orElseThrow();
        List<List<Attempt>> commonest = groups.stream().filter(g -> g.size() == largest).toList();
        Attempt pickedCorrect = correct.get(random.nextInt(correct.size()));
        List<Attempt> group = commonest.get(random.nextInt(commonest.size()));
        Attempt pickedWrong = group.get(random.nextInt(group.size()));
        return new Result(
                Fate.SELECTED,
                n,
                correct.size(),
                wrong.size(),
                pickedCorrect,
                pickedWrong,
                largest);
    }

    /**
     * Groups in order of first appearance; an answer joins the first group whose first answer is
     * equivalent to it (comparing with one representative keeps the grouping deterministic even if
     * the equivalence is not perfectly transitive).
     */
    static List<List<Attempt>> groupByAnswer(
            List<Attempt> wrong, BiPredicate<String, String> sameAnswer) {
        List<List<Attempt>> groups = new ArrayList<>();
        for (Attempt a : wrong) {
            List<Attempt> home = null;
            for (List<Attempt> g : groups) {
                String representative = g.get(0).answer();
                if (representative.equals(a.answer())
                        || sameAnswer.test(a.answer(), representative)) {
                    home = g;
                    break;
                }
            }
            if (home == null) {
                home = new ArrayList<>();
                groups.add(home);
            }
            home.add(a);
        }
        return groups;
    }
}
