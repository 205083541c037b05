package dev.ssb.worker.toy;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.toy.ToyAttempt.Mistake;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Plausible wrong attempts for hinted-teacher training examples: one arithmetic slip, or one step
 * with the wrong operation, propagated correctly to the end so the attempt looks like a real
 * rollout and its final answer differs from the gold answer.
 */
public final class ToyWrongAttempts {

    /** Typical slips: off by one or two, a dropped or extra carry. */
    private static final int[] SLIPS = {-10, -2, -1, 1, 2, 10};

    /**
     * Attempts stay in the domain's range of numbers (below this or the problem's own largest
     * value): a wrong attempt with a four-digit value (a multiplication by 14 instead of a
     * subtraction) would be an implausible rollout.
     */
    static final int MAX_ATTEMPT_VALUE = 999;

    /** Largest operand a mistaken multiplication may use. */
    static final int MAX_WRONG_FACTOR = 10;

    private ToyWrongAttempts() {}

    /**
     * A wrong attempt chosen with {@code random}: first the kind of mistake (each with probability
     * 1/2 when the problem admits both), then uniformly among that kind's possible attempts.
     */
    public static ToyAttempt generate(ToyProblem problem, SplittableRandom random) {
        requireNonNull(random, "random is null");
        List<ToyAttempt> slips = new ArrayList<>();
        List<ToyAttempt> wrongOps = new ArrayList<>();
        for (ToyAttempt a : all(problem)) {
            (a.mistake() == Mistake.SLIP ? slips : wrongOps).add(a);
        }
        List<ToyAttempt> pool =
                wrongOps.isEmpty() || (!slips.isEmpty() && random.nextBoolean()) ? slips : wrongOps;
        return pool.get(random.nextInt(pool.size()));
    }

    /**
     * Every wrong attempt this class can make for {@code problem}, in a fixed order. Never empty: a
     * slip of +1 in the last step is always possible.
     */
    public static List<ToyAttempt> all(ToyProblem problem) {
        requireNonNull(problem, "problem is null");
        List<ToyStep> gold = problem.steps();
        int limit = Math.max(MAX_ATTEMPT_VALUE, problem.maxValue());
        List<ToyAttempt> out = new ArrayList<>();
        for (int k = 0; k < gold.size(); k++) {
            ToyStep step = gold.get(k);
            Set<Integer> deltas = new LinkedHashSet<>();
            for (int d : SLIPS) {
                deltas.add(d);
            }
            if (step.op() == ToyOp.TIMES) {
                // one row too many or too few of a times table
                deltas.add(step.left());
                deltas.add(-step.left());
            }
            for (int delta : deltas) {
                long wrong = (long) step.result() + delta;
                if (wrong >= 0 && wrong <= limit) {
                    ToyStep slipped =
                            new ToyStep(step.left(), step.op(), step.right(), (int) wrong);
                    propagate(gold, k, slipped, Mistake.SLIP, problem.answer(), limit)
                            .ifPresent(out::add);
                }
            }
            for (ToyOp op : ToyOp.values()) {
                OptionalInt result = op.apply(step.left(), step.right());
                boolean plausible = op != ToyOp.TIMES || step.right() <= MAX_WRONG_FACTOR;
                if (op != step.op() && plausible && result.isPresent()) {
                    ToyStep swapped = new ToyStep(step.left(), op, step.right(), result.getAsInt());
                    propagate(gold, k, swapped, Mistake.WRONG_OPERATION, problem.answer(), limit)
                            .ifPresent(out::add);
                }
            }
        }
        return out;
    }

    /** Replaces step k and recomputes the rest from its result; empty if a step becomes invalid. */
    private static Optional<ToyAttempt> propagate(
            List<ToyStep> gold,
            int k,
            ToyStep replaced,
            Mistake mistake,
            int goldAnswer,
            int limit) {
        List<ToyStep> steps = new ArrayList<>(gold.subList(0, k));
        steps.add(replaced);
        int value = replaced.result();
        for (int j = k + 1; j < gold.size(); j++) {
            ToyStep g = gold.get(j);
            OptionalInt next = g.op().apply(value, g.right());
            if (next.isEmpty() || next.getAsInt() > limit) {
                return Optional.empty();
            }
            steps.add(new ToyStep(value, g.op(), g.right(), next.getAsInt()));
            value = next.getAsInt();
        }
        if (value == goldAnswer || replaced.result() > limit) {
            return Optional.empty();
        }
        return Optional.of(new ToyAttempt(steps, value, mistake, k));
    }
}
