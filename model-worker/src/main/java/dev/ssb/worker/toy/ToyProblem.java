package dev.ssb.worker.toy;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A generated word problem with its structure: the chain of correct calculations that solves it.
 * Step {@code i + 1} starts from the result of step {@code i}, so the answer can be recomputed from
 * {@link #start()} and the (op, operand) pairs alone.
 *
 * @param id stable identifier, e.g. {@code toy-test-00042}
 * @param question the word problem text
 * @param steps the calculations in order (each correct, chained)
 * @param answer the last step's result
 * @param ops the operation of each step, in order
 */
public record ToyProblem(
        String id, String question, List<ToyStep> steps, int answer, List<ToyOp> ops) {

    public ToyProblem {
        requireNonNull(id, "id is null");
        requireNonNull(question, "question is null");
        steps = List.copyOf(requireNonNull(steps, "steps is null"));
        ops = List.copyOf(requireNonNull(ops, "ops is null"));
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("Invalid problem " + id + ": no steps");
        }
        for (int i = 0; i < steps.size(); i++) {
            ToyStep step = steps.get(i);
            if (!step.isCorrect()) {
                throw new IllegalArgumentException(
                        "Invalid problem " + id + ": step " + i + " is wrong: " + step);
            }
            if (i > 0 && step.left() != steps.get(i - 1).result()) {
                throw new IllegalArgumentException(
                        "Invalid problem "
                                + id
                                + ": step "
                                + i
                                + " does not start from "
                                + steps.get(i - 1).result()
                                + ": "
                                + step);
            }
        }
        if (!ops.equals(steps.stream().map(ToyStep::op).toList())) {
            throw new IllegalArgumentException(
                    "Invalid problem " + id + ": ops " + ops + " do not match steps " + steps);
        }
        if (answer != steps.get(steps.size() - 1).result()) {
            throw new IllegalArgumentException(
                    "Invalid problem "
                            + id
                            + ": answer "
                            + answer
                            + " is not the last result "
                            + steps.get(steps.size() - 1).result());
        }
    }

    /** The number the chain starts from. */
    public int start() {
        return steps.get(0).left();
    }

    /** The right-hand operand of each step, in order. */
    public List<Integer> operands() {
        return steps.stream().map(ToyStep::right).toList();
    }

    /** The largest value the chain passes through (start, operands and results). */
    public int maxValue() {
        int max = start();
        for (ToyStep s : steps) {
            max = Math.max(max, Math.max(s.right(), s.result()));
        }
        return max;
    }
}
