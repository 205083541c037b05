package dev.ssb.worker.api;

/** Why a sequence stopped. */
public enum FinishReason {
    /** An end token was generated (it is included in the token ids, not in the text). */
    STOP,
    /** max_new_tokens was reached. */
    LENGTH
}
