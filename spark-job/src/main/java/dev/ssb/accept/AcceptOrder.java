package dev.ssb.accept;

import dev.ssb.spark.Seeds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The pure part of {@code data.accept_target}: the seeded order of the problems, the size of each
 * round, and where the selection ends. The selection is the shortest prefix of the order that holds
 * N accepted problems (or the whole order when the data ends first): it does not depend on how the
 * rounds cut the order, because each problem's rollouts and teacher reply depend only on the run
 * seed and the problem.
 */
final class AcceptOrder {

    /** The random stream of the order (never shared with rollouts, teacher or evaluation). */
    static final String STREAM = "accept-order";

    /** The smallest round after the first, so a nearly met target does not take many rounds. */
    static final int MIN_ROUND = 8;

    private AcceptOrder() {}

    /** The problem ids in the run's seeded order (ties, never expected, by id). */
    static List<String> order(List<String> problemIds, long runSeed) {
        List<String> ids = new ArrayList<>(problemIds);
        ids.sort(
                Comparator.comparingLong((String id) -> Seeds.seed(runSeed, STREAM, id, 0))
                        .thenComparing(Comparator.naturalOrder()));
        return ids;
    }

    /**
     * The next round's size: the target itself first; then the missing acceptances divided by the
     * acceptance rate so far, with a 20% margin (twice what was drawn while nothing was accepted);
     * never past the end of the data.
     */
    static int roundSize(int target, int accepted, int processed, int available) {
        int size;
        if (processed == 0) {
            size = target;
        } else if (accepted == 0) {
            size = 2 * processed;
        } else {
            double rate = accepted / (double) processed;
            size = (int) Math.ceil(1.2 * (target - accepted) / rate);
        }
        return Math.max(1, Math.min(Math.max(size, MIN_ROUND), available - processed));
    }

    /**
     * Where the selection ends within a round: the index after the problem of {@code round} (in
     * order) that brings the accepted count to {@code target}, or -1 when the round does not.
     *
     * @param round this round's ids, in order
     * @param accepted whether each problem of the round was accepted
     * @param acceptedBefore acceptances in earlier rounds
     */
    static int cut(
            List<String> round, Map<String, Boolean> accepted, int acceptedBefore, int target) {
        int count = acceptedBefore;
        for (int i = 0; i < round.size(); i++) {
            Boolean ok = accepted.get(round.get(i));
            if (ok == null) {
                throw new IllegalStateException(
                        "Cannot select problems: curation returned no row for " + round.get(i));
            }
            if (ok && ++count == target) {
                return i + 1;
            }
        }
        return -1;
    }
}
