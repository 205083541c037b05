package dev.ssb.rollout;

import dev.ssb.ingest.SimpleGoldAnswerExtractor;
import dev.ssb.worker.api.FinishReason;
import java.io.Serializable;
import java.util.Optional;

/**
 * Interim verdicts for rollouts until {@code dev.ssb.worker.api.AnswerVerifier} lands (branch
 * feat/verify): the last {@code \boxed{}} compared with the gold answer after light normalisation
 * (spaces, thousands separators, {@code \left}/{@code \right}, {@code \!}, a trailing period).
 * Known weakness: no mathematical equivalence ({@code 1/2} vs {@code 0.5} is WRONG).
 */
final class AnswerCheck implements Serializable {

    /** Verdict values of the rollouts table. */
    enum Verdict {
        CORRECT,
        WRONG,
        NO_ANSWER,
        TRUNCATED
    }

    record Result(Optional<String> extracted, Verdict verdict) {}

    private final SimpleGoldAnswerExtractor extractor = new SimpleGoldAnswerExtractor();

    Result check(String completion, FinishReason finish, String gold) {
        Optional<String> extracted = extractor.lastBoxed(completion);
        if (extracted.isEmpty()) {
            return new Result(
                    extracted,
                    finish == FinishReason.LENGTH ? Verdict.TRUNCATED : Verdict.NO_ANSWER);
        }
        boolean same = normalize(extracted.get()).equals(normalize(gold));
        return new Result(extracted, same ? Verdict.CORRECT : Verdict.WRONG);
    }

    static String normalize(String answer) {
        return answer.replace("\\left", "")
                .replace("\\right", "")
                .replace("\\!", "")
                .replace("$", "")
                .replaceAll("\\s+", "")
                .replaceAll("(?<=\\d),(?=\\d{3}(\\D|$))", "")
                .replaceAll("\\.$", "");
    }
}
