package dev.ssb.ingest;

import java.io.Serializable;
import java.util.Optional;

/**
 * Extraction of a reference answer from dataset text: the one seam between ingest and answer
 * parsing, implemented over {@code dev.ssb.worker.api.AnswerVerifier} by {@link
 * VerifierGoldAnswers}.
 */
public interface GoldAnswerExtractor extends Serializable {

    /** The number after the last {@code ####} of a GSM8K answer, without thousands separators. */
    Optional<String> gsm8kFinal(String answerText);

    /** The content of the last {@code \boxed{...}} or {@code \fbox{...}} of a solution. */
    Optional<String> lastBoxed(String solution);
}
