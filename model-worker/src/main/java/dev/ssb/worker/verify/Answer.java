package dev.ssb.worker.verify;

import java.util.List;

/** The structure of a normalised answer: what is compared element by element. */
sealed interface Answer {

    /**
     * One expression; {@code expr} is null when it could not be parsed ({@code error} says why). An
     * equation {@code lhs = rhs} is held as {@code lhs - rhs} with {@code equation} set.
     */
    record Leaf(String text, Expr expr, String error, boolean equation) implements Answer {
        static Leaf of(String text, boolean equation) {
            try {
                return new Leaf(text, LatexParser.parse(text), null, equation);
            } catch (LatexParser.ParseException e) {
                return new Leaf(text, null, e.getMessage(), equation);
            }
        }
    }

    /** A word or phrase, compared case-insensitively. */
    record Text(String lowerCase) implements Answer {}

    /** A multiple-choice letter A-E. */
    record Choice(char letter) implements Answer {}

    /** A tuple or an interval: ordered, with its bracket types. */
    record Seq(char open, char close, List<Answer> elements) implements Answer {}

    /**
     * A set, a union of intervals, a {@code \pm} pair or a bare comma list: order-insensitive.
     * {@code bare} marks a comma list without brackets (it also matches a tuple in order).
     */
    record Unordered(List<Answer> elements, boolean bare) implements Answer {}

    /** A matrix or column vector, row by row. */
    record Matrix(List<List<Answer>> rows) implements Answer {}

    /**
     * A value given with its name: {@code f(x) = 1}, {@code (p,q) = (3,2)}, {@code x \approx 11}.
     * The label is not compared; it only turns {@code y = 2x} back into an equation when the other
     * side is one.
     */
    record Labelled(String label, Answer value) implements Answer {}

    /**
     * An inequality or a chain of them ({@code -1 < x \le 2}, {@code x \ne 0}): {@code ops} holds
     * {@code <}, {@code >}, {@code \le}, {@code \ge} or {@code \ne}, one between each pair of
     * sides.
     */
    record Relation(List<Leaf> sides, List<String> ops) implements Answer {}

    /** A chained equation {@code 3+3 = 6}: its values must all be equal, then the last counts. */
    record Chain(List<Answer> values) implements Answer {}

    /** A ratio {@code 11:21}: equal to a proportional ratio, or (two parts) to the quotient. */
    record Ratio(List<Leaf> parts) implements Answer {}
}
