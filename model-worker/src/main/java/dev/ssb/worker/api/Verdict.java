package dev.ssb.worker.api;

/** The outcome of checking one answer against a gold answer. */
public enum Verdict {
    /** The extracted answer is mathematically equivalent to the gold answer. */
    CORRECT,
    /**
     * An answer was found and is not shown equivalent (including answers that cannot be parsed).
     */
    WRONG,
    /** The completion contains no final answer. */
    NO_ANSWER,
    /** The completion was cut at max tokens before giving a final answer. */
    TRUNCATED,
    /** The equivalence check did not finish within {@link VerifierConfig#timeout()}. */
    TIMEOUT,
    /**
     * No reply to check: the prompt did not fit the token budget, so nothing was generated ({@link
     * FinishReason#PROMPT_TOO_LONG}). Never returned by a verifier; set by the stages.
     */
    PROMPT_TOO_LONG
}
