package dev.ssb.ingest;

import java.io.Serializable;
import java.util.Optional;

/**
 * Extraction of a reference answer from dataset text. The one seam between ingest and answer
 * parsing: once {@code dev.ssb.worker.api.AnswerVerifier} lands (branch feat/verify), an
 * implementation delegating to it replaces {@link SimpleGoldAnswerExtractor}.
 */
public interface GoldAnswerExtractor extends Serializable {

    /** The number after the last {@code ####} of a GSM8K answer, without thousands separators. */
    Optional<String> gsm8kFinal(String answerText);

    /** The content of the last {@code \boxed{...}} or {@code \fbox{...}} of a solution. */
    Optional<String> lastBoxed(String solution);
}
