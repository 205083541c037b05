package dev.ssb.eval;

import java.util.List;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * Groups the extracted answers of one problem's samples into equivalence classes, so that a
 * majority vote counts {@code 1/2} and {@code 0.5} as the same answer. A class is named by the
 * index of its first member; each answer joins the first earlier class whose first member is
 * equivalent to it.
 */
final class AnswerGroups {

    /** The group of a sample without an answer. */
    static final int NONE = -1;

    private AnswerGroups() {}

    /**
     * @param answers the extracted answer of each sample, in sample order ({@code null} = none)
     * @param equivalent whether two answers are the same (called only on distinct strings)
     * @return per sample, the index of the first sample of its group, or {@link #NONE}
     */
    static int[] of(List<String> answers, BiPredicate<String, String> equivalent) {
        int[] group = new int[answers.size()];
        for (int i = 0; i < group.length; i++) {
            String answer = answers.get(i);
            group[i] = answer == null ? NONE : i;
            if (answer == null) {
                continue;
            }
            for (int r = 0; r < i; r++) {
                String representative = answers.get(r);
                if (group[r] == r
                        && (Objects.equals(representative, answer)
                                || equivalent.test(answer, representative))) {
                    group[i] = r;
                    break;
                }
            }
        }
        return group;
    }
}
