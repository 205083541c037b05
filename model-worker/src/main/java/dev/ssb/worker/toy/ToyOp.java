package dev.ssb.worker.toy;

import java.util.OptionalInt;

/** The four arithmetic operations of the toy domain, on non-negative integers only. */
public enum ToyOp {
    PLUS('+'),
    MINUS('-'),
    TIMES('*'),
    DIVIDE('/');

    private final char symbol;

    ToyOp(char symbol) {
        this.symbol = symbol;
    }

    /** The ASCII symbol written in solutions: {@code + - * /}. */
    public char symbol() {
        return symbol;
    }

    /**
     * Applies the operation when its result is a non-negative integer: subtraction must not go
     * below zero and division must be exact (and not by zero).
     *
     * @return the result, or empty when it is not a non-negative integer or overflows
     */
    public OptionalInt apply(int left, int right) {
        if (left < 0 || right < 0) {
            return OptionalInt.empty();
        }
        long result =
                switch (this) {
                    case PLUS -> (long) left + right;
                    case MINUS -> (long) left - right;
                    case TIMES -> (long) left * right;
                    case DIVIDE -> right == 0 || left % right != 0 ? -1 : left / right;
                };
        return result < 0 || result > Integer.MAX_VALUE
                ? OptionalInt.empty()
                : OptionalInt.of((int) result);
    }

    /** The operation undoing this one ({@code +} and {@code -}, {@code *} and {@code /}). */
    public ToyOp inverse() {
        return switch (this) {
            case PLUS -> MINUS;
            case MINUS -> PLUS;
            case TIMES -> DIVIDE;
            case DIVIDE -> TIMES;
        };
    }

    /** The operation written as {@code symbol}. */
    public static ToyOp ofSymbol(char symbol) {
        for (ToyOp op : values()) {
            if (op.symbol == symbol) {
                return op;
            }
        }
        throw new IllegalArgumentException("Invalid operation symbol: '" + symbol + "'");
    }
}
