package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

/**
 * The result of one verification: never an exception, always a verdict.
 *
 * @param verdict the outcome
 * @param extracted the final answer taken from the prediction, or {@code null} when none was found
 * @param reason a short human-readable explanation (e.g. which rule matched or why parsing failed);
 *     empty when there is nothing to add
 */
public record Verification(Verdict verdict, String extracted, String reason) {
    public Verification {
        requireNonNull(verdict, "verdict is null");
        requireNonNull(reason, "reason is null");
        if (extracted == null && (verdict == Verdict.CORRECT || verdict == Verdict.WRONG)) {
            throw new IllegalArgumentException(
                    "Invalid verification: verdict " + verdict + " needs an extracted answer");
        }
    }

    public boolean isCorrect() {
        return verdict == Verdict.CORRECT;
    }
}
