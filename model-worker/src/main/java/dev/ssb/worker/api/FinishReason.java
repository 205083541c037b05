package dev.ssb.worker.api;

/** Why a sequence stopped. */
public enum FinishReason {
    /** An end token was generated (it is included in the token ids, not in the text). */
    STOP,
    /** max_new_tokens was reached. */
    LENGTH,
    /**
     * Nothing was decoded: the prompt does not fit the caller's token budget or the model's context
     * ({@link ModelConfig#maxPositionEmbeddings()}). Set by the stages, which check before they
     * call the model; the token ids and text are empty.
     */
    PROMPT_TOO_LONG
}
