package dev.ssb.eval;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The majority vote over one problem's samples (maj@k): the answer group with the most samples
 * wins; ties go to the group that appeared first (smallest sample index), so the vote is
 * deterministic. Samples without an answer do not vote; a problem without any answer has no winner
 * and counts as wrong.
 */
final class Majority {

    /**
     * One sample's ballot.
     *
     * @param group the sample's answer group ({@link AnswerGroups}), or {@link AnswerGroups#NONE}
     * @param correct whether the sample's verdict is CORRECT
     */
    record Vote(int group, boolean correct) {}

    private Majority() {}

    /** The winning group, or {@link AnswerGroups#NONE} when no sample has an answer. */
    static int winner(List<Vote> votes) {
        Map<Integer, Integer> counts = new TreeMap<>(); // ascending group: first wins a tie
        for (Vote v : votes) {
            if (v.group() != AnswerGroups.NONE) {
                counts.merge(v.group(), 1, Integer::sum);
            }
        }
        int best = AnswerGroups.NONE;
        int bestCount = 0;
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best;
    }

    /** Whether the winning group's answer is correct. */
    static boolean correct(List<Vote> votes) {
        int winner = winner(votes);
        return winner != AnswerGroups.NONE
                && votes.stream().anyMatch(v -> v.group() == winner && v.correct());
    }
}
