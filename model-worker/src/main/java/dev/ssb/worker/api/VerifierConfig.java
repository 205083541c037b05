package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Settings of an {@link AnswerVerifier}.
 *
 * @param timeout wall-clock bound of one check; beyond it the verdict is {@link Verdict#TIMEOUT}
 * @param relativeTolerance allowed relative difference when one side is a decimal approximation
 *     (exact answers are always compared exactly)
 * @param answerIsPhrase also extract "the answer is X" when there is no box and no {@code ####}
 * @param maxInputChars only the last this-many characters of a completion are searched
 * @param maxAnswerChars longer extracted answers are not parsed (verdict WRONG)
 * @param symjaWorkers threads running the algebra engine (each warmed up once, ~0.5 s); callers
 *     beyond this number wait, and the wait counts against {@code timeout}
 * @param boxPolicy which boxes of a completion with several {@code \boxed{..}} form its answer
 */
public record VerifierConfig(
        Duration timeout,
        double relativeTolerance,
        boolean answerIsPhrase,
        int maxInputChars,
        int maxAnswerChars,
        int symjaWorkers,
        BoxPolicy boxPolicy) {

    /** Which boxes of a completion are its answer when it holds several. */
    public enum BoxPolicy {
        /** The last complete box only. */
        LAST,
        /**
         * The last box; and when that is wrong, the gold is a list or set of two or more elements
         * and the completion holds two or more distinct boxes, all distinct boxes together as one
         * unordered list ({@code \boxed{(2,2)}} and {@code \boxed{(6,2)}} for the gold {@code
         * (2,2), (6,2)}). Answers with one box, or golds that are one value, are unaffected.
         */
        ALL_FOR_LIST_GOLD
    }

    public static final BoxPolicy BOX_POLICY_DEFAULT = BoxPolicy.ALL_FOR_LIST_GOLD;

    public static final Duration TIMEOUT_DEFAULT = Duration.ofMillis(100);
    public static final double RELATIVE_TOLERANCE_DEFAULT = 1e-6;
    public static final int MAX_INPUT_CHARS_DEFAULT = 1 << 20;
    public static final int MAX_ANSWER_CHARS_DEFAULT = 1000;
    public static final int SYMJA_WORKERS_DEFAULT =
            Math.max(2, Runtime.getRuntime().availableProcessors());

    public VerifierConfig {
        requireNonNull(timeout, "timeout is null");
        requireNonNull(boxPolicy, "box policy is null");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("Invalid timeout: " + timeout + " (must be > 0)");
        }
        if (!(relativeTolerance >= 0 && relativeTolerance < 1)) {
            throw new IllegalArgumentException(
                    "Invalid relative tolerance: " + relativeTolerance + " (must be in [0, 1))");
        }
        if (maxInputChars <= 0) {
            throw new IllegalArgumentException(
                    "Invalid max input chars: " + maxInputChars + " (must be > 0)");
        }
        if (maxAnswerChars <= 0 || maxAnswerChars > maxInputChars) {
            throw new IllegalArgumentException(
                    "Invalid max answer chars: "
                            + maxAnswerChars
                            + " (must be in [1, "
                            + maxInputChars
                            + "])");
        }
        if (symjaWorkers <= 0) {
            throw new IllegalArgumentException(
                    "Invalid symja workers: " + symjaWorkers + " (must be > 0)");
        }
    }

    /**
     * 100 ms per check, relative tolerance 1e-6, no "the answer is" extraction, all boxes as a list
     * when the gold is a list.
     */
    public static VerifierConfig defaults() {
        return new VerifierConfig(
                TIMEOUT_DEFAULT,
                RELATIVE_TOLERANCE_DEFAULT,
                false,
                MAX_INPUT_CHARS_DEFAULT,
                MAX_ANSWER_CHARS_DEFAULT,
                SYMJA_WORKERS_DEFAULT,
                BOX_POLICY_DEFAULT);
    }

    public VerifierConfig withTimeout(Duration value) {
        return new VerifierConfig(
                value,
                relativeTolerance,
                answerIsPhrase,
                maxInputChars,
                maxAnswerChars,
                symjaWorkers,
                boxPolicy);
    }

    public VerifierConfig withRelativeTolerance(double value) {
        return new VerifierConfig(
                timeout,
                value,
                answerIsPhrase,
                maxInputChars,
                maxAnswerChars,
                symjaWorkers,
                boxPolicy);
    }

    public VerifierConfig withAnswerIsPhrase(boolean value) {
        return new VerifierConfig(
                timeout,
                relativeTolerance,
                value,
                maxInputChars,
                maxAnswerChars,
                symjaWorkers,
                boxPolicy);
    }

    public VerifierConfig withSymjaWorkers(int value) {
        return new VerifierConfig(
                timeout,
                relativeTolerance,
                answerIsPhrase,
                maxInputChars,
                maxAnswerChars,
                value,
                boxPolicy);
    }

    public VerifierConfig withBoxPolicy(BoxPolicy value) {
        return new VerifierConfig(
                timeout,
                relativeTolerance,
                answerIsPhrase,
                maxInputChars,
                maxAnswerChars,
                symjaWorkers,
                value);
    }
}
