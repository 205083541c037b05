package dev.ssb.worker.toy;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One written calculation {@code left op right = result}. A step may be arithmetically wrong (a
 * wrong attempt's slip); {@link #isCorrect()} tells.
 */
public record ToyStep(int left, ToyOp op, int right, int result) {

    private static final Pattern LINE = Pattern.compile("(\\d+) ([-+*/]) (\\d+) = (\\d+)");

    public ToyStep {
        requireNonNull(op, "op is null");
        if (left < 0 || right < 0 || result < 0) {
            throw new IllegalArgumentException(
                    "Invalid step: "
                            + left
                            + " "
                            + op.symbol()
                            + " "
                            + right
                            + " = "
                            + result
                            + " (values must be >= 0)");
        }
    }

    /** The correct step {@code left op right = (left op right)}. */
    public static ToyStep of(int left, ToyOp op, int right) {
        OptionalInt result = op.apply(left, right);
        if (result.isEmpty()) {
            throw new IllegalArgumentException(
                    "Invalid step: "
                            + left
                            + " "
                            + op.symbol()
                            + " "
                            + right
                            + " is not a non-negative integer");
        }
        return new ToyStep(left, op, right, result.getAsInt());
    }

    /** Whether {@code result} is what {@code left op right} evaluates to. */
    public boolean isCorrect() {
        OptionalInt expected = op.apply(left, right);
        return expected.isPresent() && expected.getAsInt() == result;
    }

    /** The solution line, e.g. {@code 5 * 3 = 15}. */
    public String line() {
        return left + " " + op.symbol() + " " + right + " = " + result;
    }

    /** Parses a whole line written by {@link #line()}; anything else gives empty. */
    public static Optional<ToyStep> parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    new ToyStep(
                            Integer.parseInt(m.group(1)),
                            ToyOp.ofSymbol(m.group(2).charAt(0)),
                            Integer.parseInt(m.group(3)),
                            Integer.parseInt(m.group(4))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return line();
    }
}
