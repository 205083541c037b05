package dev.ssb.eval;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The result of one evaluation: per model, pass@1 and maj@k with 95% intervals, mean tokens and
 * truncation rate; with both models, the paired difference student − base.
 *
 * @param info what was evaluated and how
 * @param models per model tag, in tag order
 * @param difference student − base, when both were evaluated
 */
public record EvalSummary(
        EvalInfo info, Map<ModelTag, ModelSummary> models, Optional<Difference> difference) {

    /**
     * One model's numbers.
     *
     * @param problems problems evaluated
     * @param samples rows (problems × n)
     * @param samplesPerProblem n
     * @param passAt1 mean over problems of correct / n; Wilson interval for n = 1, else normal over
     *     problems (Wilson when every problem scores the same)
     * @param majority maj@n: fraction of problems whose majority answer is correct (Wilson)
     * @param meanTokens generated tokens per sample
     * @param truncationRate fraction of samples cut at max_new_tokens
     */
    public record ModelSummary(
            long problems,
            long samples,
            int samplesPerProblem,
            Interval passAt1,
            Interval majority,
            double meanTokens,
            double truncationRate) {
        public ModelSummary {
            requireNonNull(passAt1, "passAt1 is null");
            requireNonNull(majority, "majority is null");
        }
    }

    /**
     * Student − base on the same problems, with paired normal intervals.
     *
     * @param problems problems paired
     * @param passAt1 difference of pass@1
     * @param majority difference of maj@n
     */
    public record Difference(long problems, Interval passAt1, Interval majority) {
        public Difference {
            requireNonNull(passAt1, "passAt1 is null");
            requireNonNull(majority, "majority is null");
        }
    }

    public EvalSummary {
        requireNonNull(info, "info is null");
        models = Collections.unmodifiableMap(new EnumMap<>(requireNonNull(models, "models")));
        requireNonNull(difference, "difference is null");
        if (models.isEmpty()) {
            throw new IllegalArgumentException("Invalid summary: no model");
        }
    }

    /** Aggregates per-problem scores (one per problem and model). */
    static EvalSummary of(EvalInfo info, List<ProblemScore> scores) {
        Map<ModelTag, Map<String, ProblemScore>> byTag = new EnumMap<>(ModelTag.class);
        for (ProblemScore s : scores) {
            ProblemScore previous =
                    byTag.computeIfAbsent(s.tag(), t -> new TreeMap<>()).put(s.problemId(), s);
            if (previous != null) {
                throw new IllegalArgumentException(
                        "Invalid scores: problem " + s.problemId() + " twice for " + s.tag());
            }
        }
        Map<ModelTag, ModelSummary> models = new EnumMap<>(ModelTag.class);
        byTag.forEach((tag, problems) -> models.put(tag, summarize(tag, problems.values())));
        Optional<Difference> difference = Optional.empty();
        if (byTag.containsKey(ModelTag.BASE) && byTag.containsKey(ModelTag.STUDENT)) {
            difference =
                    Optional.of(difference(byTag.get(ModelTag.BASE), byTag.get(ModelTag.STUDENT)));
        }
        return new EvalSummary(info, models, difference);
    }

    private static ModelSummary summarize(ModelTag tag, java.util.Collection<ProblemScore> scores) {
        int n = scores.iterator().next().samples();
        long correct = 0;
        long majority = 0;
        long tokens = 0;
        long truncated = 0;
        double[] pass = new double[scores.size()];
        int i = 0;
        for (ProblemScore s : scores) {
            if (s.samples() != n) {
                throw new IllegalArgumentException(
                        String.format(
                                "Invalid scores of %s: problem %s has %s samples, others %s",
                                tag, s.problemId(), s.samples(), n));
            }
            correct += s.correct();
            majority += s.majorityCorrect() ? 1 : 0;
            tokens += s.tokens();
            truncated += s.truncated();
            pass[i++] = s.passAt1();
        }
        long problems = scores.size();
        long samples = problems * n;
        Interval passAt1 = n == 1 ? Intervals.wilson(correct, problems) : Intervals.mean(pass);
        return new ModelSummary(
                problems,
                samples,
                n,
                passAt1,
                Intervals.wilson(majority, problems),
                tokens / (double) samples,
                truncated / (double) samples);
    }

    private static Difference difference(
            Map<String, ProblemScore> base, Map<String, ProblemScore> student) {
        if (!base.keySet().equals(student.keySet())) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid scores: base has %s problems, student %s, not the same ones",
                            base.size(), student.size()));
        }
        List<String> ids = new ArrayList<>(base.keySet());
        double[] basePass = new double[ids.size()];
        double[] studentPass = new double[ids.size()];
        double[] baseMaj = new double[ids.size()];
        double[] studentMaj = new double[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            ProblemScore b = base.get(ids.get(i));
            ProblemScore s = student.get(ids.get(i));
            basePass[i] = b.passAt1();
            studentPass[i] = s.passAt1();
            baseMaj[i] = b.majorityCorrect() ? 1 : 0;
            studentMaj[i] = s.majorityCorrect() ? 1 : 0;
        }
        return new Difference(
                ids.size(),
                Intervals.pairedDifference(basePass, studentPass),
                Intervals.pairedDifference(baseMaj, studentMaj));
    }
}
