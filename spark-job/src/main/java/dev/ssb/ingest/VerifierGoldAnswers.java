package dev.ssb.ingest;

import dev.ssb.spark.ExecutorVerifier;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Gold answers through this JVM's {@code api.AnswerVerifier}, so that ingest and verification read
 * datasets the same way: GSM8K's answer is the verifier's text after the last {@code ####}, which
 * must be a number (thousands separators removed); a MATH solution's answer is the verifier's final
 * answer (its last complete {@code \boxed{}} or {@code \fbox{}}).
 */
public final class VerifierGoldAnswers implements GoldAnswerExtractor {

    private static final Pattern NUMBER = Pattern.compile("-?(\\d+(\\.\\d+)?|\\.\\d+|\\d+/\\d+)");
    private static final Pattern THOUSANDS = Pattern.compile("(?<=\\d),(?=\\d{3}(\\D|$))");

    @Override
    public Optional<String> gsm8kFinal(String answerText) {
        if (!answerText.contains("####")) {
            return Optional.empty();
        }
        return ExecutorVerifier.get()
                .extractGold(answerText)
                .map(a -> THOUSANDS.matcher(a.strip()).replaceAll(""))
                .filter(a -> NUMBER.matcher(a).matches());
    }

    @Override
    public Optional<String> lastBoxed(String solution) {
        int box = Math.max(solution.lastIndexOf("\\boxed"), solution.lastIndexOf("\\fbox"));
        if (box < 0) {
            return Optional.empty(); // the verifier would fall back to '####', not a box
        }
        return ExecutorVerifier.get()
                .extractAnswer(solution)
                .map(String::strip)
                .filter(a -> !a.isEmpty());
    }
}
