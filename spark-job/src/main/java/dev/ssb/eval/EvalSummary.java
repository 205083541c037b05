package dev.ssb.eval;

import static java.util.Objects.requireNonNull;

import dev.ssb.logits.TailMass;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The result of one evaluation: per model, sampled pass@1 and maj@k, greedy pass@1, each also under
 * the strict verdict, with 95% intervals, mean reply tokens and truncation rate; with both models,
 * the paired differences student − base; and the tail mass of the run's teacher logits when it has
 * them.
 *
 * @param info what was evaluated and how
 * @param models per model tag, in tag order
 * @param difference student − base, when both were evaluated
 * @param teacherTailMass the run's teacher_logits tail mass, when the run has teacher logits
 */
public record EvalSummary(
        EvalInfo info,
        Map<ModelTag, ModelSummary> models,
        Optional<Difference> difference,
        Optional<TailMass> teacherTailMass) {

    /**
     * One model's numbers.
     *
     * @param problems problems evaluated
     * @param samples sampled rows (problems × n)
     * @param samplesPerProblem n
     * @param passAt1 mean over problems of correct / n; Wilson interval for n = 1, else normal over
     *     problems (Wilson when every problem scores the same)
     * @param majority maj@n: fraction of problems whose majority answer is correct (Wilson)
     * @param meanTokens generated tokens per sampled reply
     * @param truncationRate fraction of samples cut at max_new_tokens
     * @param strictPassAt1 as passAt1 under the strict verdict ({@link StrictMatch})
     * @param greedy the greedy pass, when it was run
     */
    public record ModelSummary(
            long problems,
            long samples,
            int samplesPerProblem,
            Interval passAt1,
            Interval majority,
            double meanTokens,
            double truncationRate,
            Interval strictPassAt1,
            Optional<Greedy> greedy) {
        public ModelSummary {
            requireNonNull(passAt1, "passAt1 is null");
            requireNonNull(majority, "majority is null");
            requireNonNull(strictPassAt1, "strictPassAt1 is null");
            requireNonNull(greedy, "greedy is null");
        }
    }

    /**
     * One model's greedy pass: one reply per problem at temperature 0.
     *
     * @param problems problems decoded
     * @param passAt1 fraction correct (Wilson)
     * @param strictPassAt1 fraction strictly correct (Wilson)
     * @param meanTokens generated tokens per reply
     * @param truncationRate fraction cut at max_new_tokens
     */
    public record Greedy(
            long problems,
            Interval passAt1,
            Interval strictPassAt1,
            double meanTokens,
            double truncationRate) {
        public Greedy {
            requireNonNull(passAt1, "passAt1 is null");
            requireNonNull(strictPassAt1, "strictPassAt1 is null");
        }
    }

    /**
     * Student − base on the same problems, with paired normal intervals.
     *
     * @param problems problems paired
     * @param passAt1 difference of sampled pass@1
     * @param majority difference of maj@n
     * @param strictPassAt1 difference of sampled strict pass@1
     * @param greedyPassAt1 difference of greedy pass@1, when both greedy passes ran
     * @param greedyStrictPassAt1 difference of greedy strict pass@1, likewise
     */
    public record Difference(
            long problems,
            Interval passAt1,
            Interval majority,
            Interval strictPassAt1,
            Optional<Interval> greedyPassAt1,
            Optional<Interval> greedyStrictPassAt1) {
        public Difference {
            requireNonNull(passAt1, "passAt1 is null");
            requireNonNull(majority, "majority is null");
            requireNonNull(strictPassAt1, "strictPassAt1 is null");
            requireNonNull(greedyPassAt1, "greedyPassAt1 is null");
            requireNonNull(greedyStrictPassAt1, "greedyStrictPassAt1 is null");
        }
    }

    public EvalSummary {
        requireNonNull(info, "info is null");
        models = Collections.unmodifiableMap(new EnumMap<>(requireNonNull(models, "models")));
        requireNonNull(difference, "difference is null");
        requireNonNull(teacherTailMass, "teacherTailMass is null");
        if (models.isEmpty()) {
            throw new IllegalArgumentException("Invalid summary: no model");
        }
    }

    /** This summary with the run's teacher tail mass. */
    EvalSummary withTailMass(Optional<TailMass> tailMass) {
        return new EvalSummary(info, models, difference, tailMass);
    }

    /** Aggregates per-problem scores (one per problem, model and decoding). */
    static EvalSummary of(EvalInfo info, List<ProblemScore> scores) {
        return of(info, ProblemScores.of(scores));
    }

    /** Aggregates an evaluation's per-problem scores. */
    static EvalSummary of(EvalInfo info, ProblemScores scores) {
        Map<ModelTag, Map<String, ProblemScore>> sampled = scores.sampled();
        Map<ModelTag, ModelSummary> models = new EnumMap<>(ModelTag.class);
        sampled.forEach(
                (tag, problems) ->
                        models.put(tag, summarize(tag, problems.values(), scores.greedy(tag))));
        Optional<Difference> difference = Optional.empty();
        if (sampled.containsKey(ModelTag.BASE) && sampled.containsKey(ModelTag.STUDENT)) {
            difference =
                    Optional.of(
                            difference(
                                    sampled.get(ModelTag.BASE),
                                    sampled.get(ModelTag.STUDENT),
                                    scores.greedy(ModelTag.BASE),
                                    scores.greedy(ModelTag.STUDENT)));
        }
        return new EvalSummary(info, models, difference, Optional.empty());
    }

    private static ModelSummary summarize(
            ModelTag tag,
            Collection<ProblemScore> scores,
            Optional<Map<String, ProblemScore>> greedy) {
        int n = scores.iterator().next().samples();
        long correct = 0;
        long strict = 0;
        long majority = 0;
        long tokens = 0;
        long truncated = 0;
        double[] pass = new double[scores.size()];
        double[] strictPass = new double[scores.size()];
        int i = 0;
        for (ProblemScore s : scores) {
            if (s.samples() != n) {
                throw new IllegalArgumentException(
                        String.format(
                                "Invalid scores of %s: problem %s has %s samples, others %s",
                                tag, s.problemId(), s.samples(), n));
            }
            correct += s.correct();
            strict += s.strictCorrect();
            majority += s.majorityCorrect() ? 1 : 0;
            tokens += s.tokens();
            truncated += s.truncated();
            strictPass[i] = s.strictPassAt1();
            pass[i++] = s.passAt1();
        }
        long problems = scores.size();
        long samples = problems * n;
        Interval passAt1 = n == 1 ? Intervals.wilson(correct, problems) : Intervals.mean(pass);
        Interval strictPassAt1 =
                n == 1 ? Intervals.wilson(strict, problems) : Intervals.mean(strictPass);
        return new ModelSummary(
                problems,
                samples,
                n,
                passAt1,
                Intervals.wilson(majority, problems),
                tokens / (double) samples,
                truncated / (double) samples,
                strictPassAt1,
                greedy.map(g -> greedy(tag, scores, g)));
    }

    private static Greedy greedy(
            ModelTag tag, Collection<ProblemScore> sampled, Map<String, ProblemScore> greedy) {
        if (greedy.size() != sampled.size()
                || !sampled.stream().allMatch(s -> greedy.containsKey(s.problemId()))) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid scores of %s: %d problems sampled, %d greedy, not the same"
                                    + " ones",
                            tag, sampled.size(), greedy.size()));
        }
        long correct = 0;
        long strict = 0;
        long tokens = 0;
        long truncated = 0;
        for (ProblemScore g : greedy.values()) {
            if (g.samples() != 1) {
                throw new IllegalArgumentException(
                        String.format(
                                "Invalid greedy score of %s: problem %s has %d replies (must be"
                                        + " 1)",
                                tag, g.problemId(), g.samples()));
            }
            correct += g.correct();
            strict += g.strictCorrect();
            tokens += g.tokens();
            truncated += g.truncated();
        }
        long problems = greedy.size();
        return new Greedy(
                problems,
                Intervals.wilson(correct, problems),
                Intervals.wilson(strict, problems),
                tokens / (double) problems,
                truncated / (double) problems);
    }

    /** Student − base (or any two models), paired by problem; also {@link ProblemScores#minus}. */
    static Difference difference(
            Map<String, ProblemScore> base,
            Map<String, ProblemScore> student,
            Optional<Map<String, ProblemScore>> baseGreedy,
            Optional<Map<String, ProblemScore>> studentGreedy) {
        if (!base.keySet().equals(student.keySet())) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid scores: base has %s problems, student %s, not the same ones",
                            base.size(), student.size()));
        }
        List<String> ids = new ArrayList<>(base.keySet());
        Optional<Interval> greedyPass = Optional.empty();
        Optional<Interval> greedyStrict = Optional.empty();
        if (baseGreedy.isPresent() && studentGreedy.isPresent()) {
            greedyPass =
                    Optional.of(
                            paired(
                                    ids,
                                    baseGreedy.get(),
                                    studentGreedy.get(),
                                    ProblemScore::passAt1));
            greedyStrict =
                    Optional.of(
                            paired(
                                    ids,
                                    baseGreedy.get(),
                                    studentGreedy.get(),
                                    ProblemScore::strictPassAt1));
        }
        return new Difference(
                ids.size(),
                paired(ids, base, student, ProblemScore::passAt1),
                paired(ids, base, student, s -> s.majorityCorrect() ? 1 : 0),
                paired(ids, base, student, ProblemScore::strictPassAt1),
                greedyPass,
                greedyStrict);
    }

    private static Interval paired(
            List<String> ids,
            Map<String, ProblemScore> base,
            Map<String, ProblemScore> student,
            ToDoubleFunction<ProblemScore> value) {
        double[] b = new double[ids.size()];
        double[] s = new double[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            ProblemScore bs = base.get(ids.get(i));
            ProblemScore ss = student.get(ids.get(i));
            if (bs == null || ss == null) {
                throw new IllegalArgumentException(
                        "Invalid scores: problem " + ids.get(i) + " lacks a base or student score");
            }
            b[i] = value.applyAsDouble(bs);
            s[i] = value.applyAsDouble(ss);
        }
        return Intervals.pairedDifference(b, s);
    }
}
