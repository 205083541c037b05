package dev.ssb.eval;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One evaluation's per-problem scores by model and decoding: what its {@link EvalSummary} is
 * computed from, and what pairs two evaluations of the same problems ({@link #minus}).
 */
public final class ProblemScores {

    private final Map<ModelTag, Map<String, ProblemScore>> sampled;
    private final Map<ModelTag, Map<String, ProblemScore>> greedy;

    private ProblemScores(
            Map<ModelTag, Map<String, ProblemScore>> sampled,
            Map<ModelTag, Map<String, ProblemScore>> greedy) {
        this.sampled = sampled;
        this.greedy = greedy;
    }

    /**
     * Groups scores by model and decoding, each by problem id.
     *
     * @throws IllegalArgumentException when a problem is scored twice for one model and decoding
     */
    static ProblemScores of(List<ProblemScore> scores) {
        Map<ModelTag, Map<String, ProblemScore>> sampled = new EnumMap<>(ModelTag.class);
        Map<ModelTag, Map<String, ProblemScore>> greedy = new EnumMap<>(ModelTag.class);
        for (ProblemScore s : scores) {
            ProblemScore previous =
                    (s.greedy() ? greedy : sampled)
                            .computeIfAbsent(s.tag(), t -> new TreeMap<>())
                            .put(s.problemId(), s);
            if (previous != null) {
                throw new IllegalArgumentException(
                        String.format(
                                "Invalid scores: problem %s twice for %s (%s)",
                                s.problemId(), s.tag(), s.greedy() ? "greedy" : "sampled"));
            }
        }
        return new ProblemScores(sampled, greedy);
    }

    /** Sampled scores by model, each by problem id. */
    Map<ModelTag, Map<String, ProblemScore>> sampled() {
        return sampled;
    }

    /** One model's greedy scores by problem id, when its greedy pass was run. */
    Optional<Map<String, ProblemScore>> greedy(ModelTag tag) {
        return Optional.ofNullable(greedy.get(tag));
    }

    /**
     * Model {@code tag} of this evaluation − model {@code otherTag} of {@code other}, paired by
     * problem, with the intervals of student − base.
     *
     * @throws IllegalArgumentException when either model is missing or the two were not evaluated
     *     on the same problems
     */
    public EvalSummary.Difference minus(ModelTag tag, ProblemScores other, ModelTag otherTag) {
        return EvalSummary.difference(
                other.sampledOf(otherTag), sampledOf(tag), other.greedy(otherTag), greedy(tag));
    }

    private Map<String, ProblemScore> sampledOf(ModelTag tag) {
        Map<String, ProblemScore> scores = sampled.get(tag);
        if (scores == null) {
            throw new IllegalArgumentException("Invalid scores: the evaluation has no " + tag);
        }
        return scores;
    }
}
