package dev.ssb.worker.api;

import java.util.Optional;

/**
 * Extracts final answers from completions and decides whether they are mathematically equivalent to
 * gold answers (numbers, fractions, radicals, symbolic expressions, tuples, intervals, sets,
 * matrices, complex numbers, text and multiple-choice letters).
 *
 * <p>Implementations are thread-safe, never throw and never hang: every call returns within about
 * {@link VerifierConfig#timeout()} with a {@link Verdict}. Close the verifier to release its worker
 * threads (they are daemon threads, so forgetting to close never blocks JVM exit).
 */
public interface AnswerVerifier extends AutoCloseable {

    /**
     * A verifier with the given settings (the first one in a JVM starts the algebra engine, ~1 s).
     */
    static AnswerVerifier create(VerifierConfig config) {
        return Services.cached(AnswerVerifierProvider.class).create(config);
    }

    /** A verifier with {@link VerifierConfig#defaults()}. */
    static AnswerVerifier create() {
        return create(VerifierConfig.defaults());
    }

    /**
     * The final answer of a completion: the content of the last complete {@code \boxed{..}} or
     * {@code \fbox{..}}, else GSM8K's {@code #### N}, else (when configured) "the answer is X".
     */
    Optional<String> extractAnswer(String completion);

    /**
     * The gold answer held by a dataset field: the text after GSM8K's {@code ####}, else the last
     * box of a solution, else the field itself (MATH's and AIME's {@code answer}), trimmed.
     */
    Optional<String> extractGold(String field);

    /**
     * Checks a model completion.
     *
     * @param completion the generated text
     * @param truncated whether generation stopped at max tokens (FinishReason.LENGTH): without an
     *     answer the verdict is TRUNCATED instead of NO_ANSWER
     * @param gold the gold answer (or a dataset field, see {@link #extractGold})
     */
    Verification verify(String completion, boolean truncated, String gold);

    /**
     * Checks a prediction that is either a completion or a bare answer: when no answer can be
     * extracted from it, the whole (short, single-line) prediction is taken as the answer.
     */
    Verification verifyPrediction(String prediction, String gold);

    /** Compares two bare answers: CORRECT, WRONG or TIMEOUT. */
    Verification compare(String answer, String goldAnswer);

    @Override
    void close();
}
