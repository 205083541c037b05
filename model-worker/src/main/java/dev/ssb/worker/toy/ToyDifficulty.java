package dev.ssb.worker.toy;

/**
 * Difficulty knobs of the generator.
 *
 * @param minOps fewest operations per problem (&gt;= 1)
 * @param maxOps most operations per problem (minOps..4)
 * @param maxOperand largest start value and operand of {@code +} and {@code -} (&gt;= 2)
 * @param maxFactor largest operand of {@code *} and {@code /} (2..maxOperand)
 * @param maxValue largest value any intermediate result may take (&gt;= 2 * maxOperand)
 */
public record ToyDifficulty(int minOps, int maxOps, int maxOperand, int maxFactor, int maxValue) {

    /** Most operations a problem may have: more would not fit a short question. */
    public static final int MAX_OPS = 4;

    public ToyDifficulty {
        if (minOps < 1 || maxOps > MAX_OPS || minOps > maxOps) {
            throw new IllegalArgumentException(
                    "Invalid operation range: "
                            + minOps
                            + ".."
                            + maxOps
                            + " (must satisfy 1 <= min <= max <= "
                            + MAX_OPS
                            + ")");
        }
        if (maxOperand < 2) {
            throw new IllegalArgumentException(
                    "Invalid max operand: " + maxOperand + " (must be >= 2)");
        }
        if (maxFactor < 2 || maxFactor > maxOperand) {
            throw new IllegalArgumentException(
                    "Invalid max factor: " + maxFactor + " (must be in [2, " + maxOperand + "])");
        }
        if (maxValue < 2 * maxOperand || maxValue > 1_000_000) {
            throw new IllegalArgumentException(
                    "Invalid max value: "
                            + maxValue
                            + " (must be in ["
                            + 2 * maxOperand
                            + ", 1000000])");
        }
    }

    /** The default mix: 2–4 operations, operands up to 20, factors up to 5, values up to 200. */
    public static ToyDifficulty standard() {
        return new ToyDifficulty(2, 4, 20, 5, 200);
    }

    /**
     * The mix the embedded model is trained and demonstrated on: 2–3 operations, single-digit
     * operands, factors up to 3, values up to 30 — small enough for a sub-million-parameter model
     * to learn on two CPU cores, yet hard enough that it often slips.
     */
    public static ToyDifficulty embedded() {
        return new ToyDifficulty(2, 3, 9, 3, 30);
    }

    public ToyDifficulty withOps(int min, int max) {
        return new ToyDifficulty(min, max, maxOperand, maxFactor, maxValue);
    }

    public ToyDifficulty withMaxOperand(int value) {
        return new ToyDifficulty(minOps, maxOps, value, maxFactor, maxValue);
    }

    public ToyDifficulty withMaxFactor(int value) {
        return new ToyDifficulty(minOps, maxOps, maxOperand, value, maxValue);
    }

    public ToyDifficulty withMaxValue(int value) {
        return new ToyDifficulty(minOps, maxOps, maxOperand, maxFactor, value);
    }
}
