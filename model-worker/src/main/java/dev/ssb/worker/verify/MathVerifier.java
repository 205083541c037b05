package dev.ssb.worker.verify;

import dev.ssb.worker.api.AnswerVerifier;
import dev.ssb.worker.api.Verdict;
import dev.ssb.worker.api.Verification;
import dev.ssb.worker.api.VerifierConfig;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link AnswerVerifier}: extraction, normalisation, structure, then equivalence. */
final class MathVerifier implements AnswerVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(MathVerifier.class);

    private final VerifierConfig config;
    private final AnswerExtractor extractor;
    private final SymjaEngine symja;
    private final Equivalence equivalence;

    MathVerifier(VerifierConfig config) {
        this.config = config;
        this.extractor =
                new AnswerExtractor(
                        config.maxInputChars(), config.maxAnswerChars(), config.answerIsPhrase());
        this.symja = new SymjaEngine();
        this.equivalence = new Equivalence(symja, config.relativeTolerance());
        SymjaEngine.initialize();
    }

    @Override
    public Optional<String> extractAnswer(String completion) {
        try {
            return extractor.extract(completion);
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            LOG.debug("Cannot extract an answer", e);
            return Optional.empty();
        }
    }

    @Override
    public Optional<String> extractGold(String field) {
        try {
            return extractor.extractGold(field);
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            LOG.debug("Cannot extract a gold answer", e);
            return Optional.empty();
        }
    }

    @Override
    public Verification verify(String completion, boolean truncated, String gold) {
        Optional<String> answer = extractAnswer(completion);
        if (answer.isEmpty()) {
            return truncated
                    ? new Verification(
                            Verdict.TRUNCATED, null, "cut at max tokens without an answer")
                    : new Verification(Verdict.NO_ANSWER, null, "no final answer found");
        }
        return compare(answer.get(), gold);
    }

    @Override
    public Verification verifyPrediction(String prediction, String gold) {
        Optional<String> answer = extractAnswer(prediction);
        if (answer.isPresent()) {
            return compare(answer.get(), gold);
        }
        String bare = prediction == null ? "" : prediction.strip();
        if (bare.isEmpty() || bare.length() > config.maxAnswerChars() || bare.indexOf('\n') >= 0) {
            return new Verification(Verdict.NO_ANSWER, null, "no final answer found");
        }
        return compare(bare, gold);
    }

    @Override
    public Verification compare(String answer, String goldAnswer) {
        if (answer == null || answer.isBlank()) {
            return new Verification(Verdict.NO_ANSWER, null, "empty answer");
        }
        long deadline = System.nanoTime() + config.timeout().toNanos();
        if (answer.length() > config.maxAnswerChars()) {
            return new Verification(
                    Verdict.WRONG,
                    answer.substring(0, config.maxAnswerChars()),
                    "answer longer than " + config.maxAnswerChars() + " characters");
        }
        Optional<String> gold = extractGold(goldAnswer);
        if (gold.isEmpty()) {
            return new Verification(Verdict.WRONG, answer, "no gold answer");
        }
        if (gold.get().length() > config.maxAnswerChars()) {
            return new Verification(Verdict.WRONG, answer, "gold answer too long");
        }
        try {
            Normalizer.Normalized a = Normalizer.normalize(answer);
            Normalizer.Normalized g = Normalizer.normalize(gold.get());
            if (a.text().isEmpty()) {
                return new Verification(Verdict.WRONG, answer, "empty after normalisation");
            }
            if (a.text().equals(g.text())) {
                return new Verification(Verdict.CORRECT, answer, "identical after normalisation");
            }
            Equivalence.Outcome outcome =
                    equivalence.compare(
                            AnswerParser.parse(a.text(), a.wasText()),
                            AnswerParser.parse(g.text(), g.wasText()),
                            deadline);
            return new Verification(
                    outcome.equal() ? Verdict.CORRECT : Verdict.WRONG, answer, outcome.reason());
        } catch (TimeoutException e) {
            return new Verification(
                    Verdict.TIMEOUT,
                    answer,
                    "no decision within " + config.timeout().toMillis() + " ms");
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            // a verdict, never an exception, whatever goes wrong inside
            LOG.debug("Cannot compare {} with {}", answer, goldAnswer, e);
            return new Verification(Verdict.WRONG, answer, "cannot compare: " + e);
        }
    }

    @Override
    public void close() {
        symja.close();
    }
}
