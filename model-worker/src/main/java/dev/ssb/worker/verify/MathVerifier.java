package dev.ssb.worker.verify;

import dev.ssb.worker.api.AnswerVerifier;
import dev.ssb.worker.api.Verdict;
import dev.ssb.worker.api.Verification;
import dev.ssb.worker.api.VerifierConfig;
import dev.ssb.worker.api.VerifierConfig.BoxPolicy;
import java.util.LinkedHashMap;
import java.util.Map;
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
        this.symja = new SymjaEngine(config.symjaWorkers());
        this.equivalence = new Equivalence(symja, config.relativeTolerance());
        warmUp();
    }

    /**
     * Loads and initialises every class on the checking path (regexes, parsers) so that the first
     * real check does not spend its time bound on class loading.
     */
    private void warmUp() {
        String[][] pairs = {
            {"\\boxed{\\dfrac{1}{2}}", "0.5"},
            {"#### 8,000", "8000"},
            {"\\boxed{3\\sqrt{2}}", "3"},
            {"\\boxed{\\left(1, \\frac{\\pi}{2}\\right]}", "(1,\\pi/2]"},
            {"\\boxed{\\{1 \\pm \\sqrt{5}, -2\\}}", "-2, 1+\\sqrt5, 1-\\sqrt5"},
            {"\\boxed{\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}}", "(1,2)"},
            {"\\boxed{\\text{(C)}}", "\\text{east}"},
            {"\\boxed{x = 2k+2}", "2(k+1)"},
        };
        for (String[] p : pairs) {
            verify(p[0], false, p[1]);
        }
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
        return checkBoxes(completion, answer.get(), gold);
    }

    @Override
    public Verification verifyPrediction(String prediction, String gold) {
        Optional<String> answer = extractAnswer(prediction);
        if (answer.isPresent()) {
            return checkBoxes(prediction, answer.get(), gold);
        }
        String bare = prediction == null ? "" : prediction.strip();
        if (bare.isEmpty() || bare.length() > config.maxAnswerChars() || bare.indexOf('\n') >= 0) {
            return new Verification(Verdict.NO_ANSWER, null, "no final answer found");
        }
        return compare(bare, gold);
    }

    /**
     * The last box; under {@link BoxPolicy#ALL_FOR_LIST_GOLD}, when it is wrong and the gold is a
     * list or set, all distinct boxes as one unordered list, within the same time bound.
     */
    private Verification checkBoxes(String completion, String lastBox, String gold) {
        long deadline = System.nanoTime() + config.timeout().toNanos();
        Verification last = compare(lastBox, gold, deadline);
        if (last.verdict() != Verdict.WRONG || config.boxPolicy() != BoxPolicy.ALL_FOR_LIST_GOLD) {
            return last;
        }
        try {
            Optional<String> g = extractGold(gold);
            if (g.isEmpty() || g.get().length() > config.maxAnswerChars()) {
                return last;
            }
            Normalizer.Normalized n = Normalizer.normalize(g.get());
            Answer parsed = AnswerParser.parse(n.text(), n.wasText());
            if (!(parsed instanceof Answer.Unordered u) || u.elements().size() < 2) {
                return last;
            }
            Map<String, String> distinct = new LinkedHashMap<>();
            for (String box : extractor.allBoxed(completion)) {
                distinct.putIfAbsent(Normalizer.normalize(box).text(), box);
            }
            if (distinct.size() < 2 || distinct.size() > u.elements().size() * 2) {
                return last;
            }
            String all = String.join(", ", distinct.values());
            Verification v = compare(all, gold, deadline);
            if (v.verdict() == Verdict.CORRECT) {
                return new Verification(
                        Verdict.CORRECT,
                        all,
                        "all " + distinct.size() + " boxes as an unordered list: " + v.reason());
            }
            return v.verdict() == Verdict.TIMEOUT ? v : last;
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            LOG.debug("Cannot compare all boxes of a completion", e);
            return last;
        }
    }

    @Override
    public Verification compare(String answer, String goldAnswer) {
        return compare(answer, goldAnswer, System.nanoTime() + config.timeout().toNanos());
    }

    private Verification compare(String answer, String goldAnswer, long deadline) {
        if (answer == null || answer.isBlank()) {
            return new Verification(Verdict.NO_ANSWER, null, "empty answer");
        }
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
