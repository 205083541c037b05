package dev.ssb.worker.toy;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A written attempt at a problem: the calculations as a solver wrote them (possibly with a wrong
 * step) and the answer it reached.
 *
 * @param steps the written calculations, chained (each starts from the previous written result)
 * @param answer the last written result
 * @param mistake what went wrong
 * @param mistakeStep index of the step where the attempt first departs from the correct solution
 */
public record ToyAttempt(List<ToyStep> steps, int answer, Mistake mistake, int mistakeStep) {

    /** The kind of error a wrong attempt contains. */
    public enum Mistake {
        /** One calculation has a wrong result; later steps compute correctly from it. */
        SLIP,
        /** One step uses the wrong operation (computed correctly); later steps follow from it. */
        WRONG_OPERATION
    }

    public ToyAttempt {
        steps = List.copyOf(requireNonNull(steps, "steps is null"));
        requireNonNull(mistake, "mistake is null");
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("Invalid attempt: no steps");
        }
        if (mistakeStep < 0 || mistakeStep >= steps.size()) {
            throw new IllegalArgumentException(
                    "Invalid mistake step: "
                            + mistakeStep
                            + " (attempt has "
                            + steps.size()
                            + " steps)");
        }
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i).left() != steps.get(i - 1).result()) {
                throw new IllegalArgumentException(
                        "Invalid attempt: step "
                                + i
                                + " does not start from "
                                + steps.get(i - 1).result()
                                + ": "
                                + steps.get(i));
            }
        }
        if (answer != steps.get(steps.size() - 1).result()) {
            throw new IllegalArgumentException(
                    "Invalid attempt: answer "
                            + answer
                            + " is not the last result "
                            + steps.get(steps.size() - 1).result());
        }
    }
}
