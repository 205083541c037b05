package dev.ssb.worker.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ssb.worker.api.AnswerVerifier;
import dev.ssb.worker.api.Verdict;
import dev.ssb.worker.api.Verification;
import dev.ssb.worker.api.VerifierConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Acceptance on the real GSM8K, MATH500 and AIME24 files. */
class DatasetAcceptanceTest {

    private static final Logger LOG = LoggerFactory.getLogger(DatasetAcceptanceTest.class);

    private static AnswerVerifier verifier;

    @BeforeAll
    static void start() {
        // a generous bound: these tests are about correctness, not about a busy CI machine's speed
        verifier =
                AnswerVerifier.create(VerifierConfig.defaults().withTimeout(Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        verifier.close();
    }

    @Test
    void everyGsm8kGoldIsExtractedAndMatchesItsVariants() {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (String file : List.of("gsm8k_train.jsonl", "gsm8k_test.jsonl")) {
            for (JsonNode row : Datasets.read(file)) {
                Optional<String> gold = verifier.extractGold(row.get("answer").asText());
                assertThat(gold).as("gold of %s", row.get("question").asText()).isPresent();
                String g = gold.get();
                for (String variant : List.of(withThousands(g), g + ".00", "\\boxed{" + g + "}")) {
                    checked++;
                    Verification v = verifier.verifyPrediction(variant, g);
                    if (v.verdict() != Verdict.CORRECT) {
                        failures.add(variant + " vs " + g + ": " + v);
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(3 * (7473 + 1319));
        assertThat(failures).isEmpty();
    }

    @Test
    void math500BoxedSolutionsMatchTheirAnswers() {
        List<String> exceptions = new ArrayList<>();
        List<JsonNode> rows = Datasets.read("math500_test.jsonl");
        for (JsonNode row : rows) {
            String solution = row.get("solution").asText();
            String answer = row.get("answer").asText();
            Verification v = verifier.verify(solution, false, answer);
            if (v.verdict() != Verdict.CORRECT) {
                exceptions.add(row.get("unique_id").asText() + ": " + v);
            }
        }
        double agreement = 1 - exceptions.size() / (double) rows.size();
        LOG.info(
                "MATH500 boxed solution = answer: {}/{} ({}); exceptions: {}",
                rows.size() - exceptions.size(),
                rows.size(),
                agreement,
                exceptions);
        assertThat(rows).hasSize(500);
        assertThat(agreement).as("exceptions: %s", exceptions).isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void everyMath500AnswerParsesDownToLeafExpressions() {
        // so that equivalence is decided by algebra, not by string identity
        List<String> unparsed = new ArrayList<>();
        for (JsonNode row : Datasets.read("math500_test.jsonl")) {
            String answer = row.get("answer").asText();
            Normalizer.Normalized n = Normalizer.normalize(answer);
            collectUnparsed(AnswerParser.parse(n.text(), n.wasText()), answer, unparsed);
        }
        assertThat(unparsed).isEmpty();
    }

    private static void collectUnparsed(Answer a, String gold, List<String> out) {
        if (a instanceof Answer.Leaf l && l.expr() == null) {
            out.add(gold + ": " + l.error());
        } else if (a instanceof Answer.Seq s) {
            s.elements().forEach(e -> collectUnparsed(e, gold, out));
        } else if (a instanceof Answer.Unordered u) {
            u.elements().forEach(e -> collectUnparsed(e, gold, out));
        } else if (a instanceof Answer.Matrix m) {
            m.rows().forEach(r -> r.forEach(e -> collectUnparsed(e, gold, out)));
        } else if (a instanceof Answer.Labelled l) {
            collectUnparsed(l.value(), gold, out);
        } else if (a instanceof Answer.Chain c) {
            c.values().forEach(e -> collectUnparsed(e, gold, out));
        } else if (a instanceof Answer.Relation r) {
            r.sides().forEach(e -> collectUnparsed(e, gold, out));
        } else if (a instanceof Answer.Ratio r) {
            r.parts().forEach(e -> collectUnparsed(e, gold, out));
        }
    }

    @Test
    void allAime24AnswersVerify() {
        List<JsonNode> rows = Datasets.read("aime24_test.jsonl");
        assertThat(rows).hasSize(30);
        for (JsonNode row : rows) {
            String answer = verifier.extractGold(row.get("answer").asText()).orElseThrow();
            int value = Integer.parseInt(answer);
            assertThat(
                            verifier.verify(
                                            "So the answer is $\\boxed{" + value + "}$.",
                                            false,
                                            answer)
                                    .verdict())
                    .as("AIME %s", answer)
                    .isEqualTo(Verdict.CORRECT);
            assertThat(
                            verifier.verify("$\\boxed{\\textbf{(" + answer + ")}}$", false, answer)
                                    .verdict())
                    .as("AIME %s bold", answer)
                    .isEqualTo(Verdict.CORRECT);
            assertThat(verifier.verify("\\boxed{" + (value + 1) + "}", false, answer).verdict())
                    .as("AIME %s + 1", answer)
                    .isEqualTo(Verdict.WRONG);
        }
    }

    @Test
    void perturbedGoldAnswersDoNotVerify() {
        List<String> golds = new ArrayList<>();
        for (JsonNode row : Datasets.read("math500_test.jsonl")) {
            golds.add(row.get("answer").asText());
        }
        for (String file : List.of("gsm8k_train.jsonl", "gsm8k_test.jsonl")) {
            for (JsonNode row : Datasets.read(file)) {
                golds.add(verifier.extractGold(row.get("answer").asText()).orElseThrow());
            }
        }
        int total = 0;
        List<String> accepted = new ArrayList<>();
        for (String gold : golds) {
            for (String variant : Perturbations.of(gold)) {
                total++;
                Verification v = verifier.compare(variant, gold);
                if (v.verdict() != Verdict.WRONG) {
                    accepted.add(variant + " vs " + gold + ": " + v.verdict());
                }
            }
        }
        double rejected = 1 - accepted.size() / (double) total;
        LOG.info(
                "Perturbed answers rejected: {}/{} ({}); accepted: {}",
                total - accepted.size(),
                total,
                rejected,
                accepted);
        assertThat(total).isGreaterThan(2 * 8000);
        assertThat(rejected).as("accepted: %s", accepted).isGreaterThanOrEqualTo(0.995);
    }

    /** 1234567 → 1,234,567 (other answers unchanged). */
    static String withThousands(String gold) {
        if (!gold.matches("-?\\d+")) {
            return gold;
        }
        boolean negative = gold.startsWith("-");
        String digits = negative ? gold.substring(1) : gold;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0 && (digits.length() - i) % 3 == 0) {
                out.append(',');
            }
            out.append(digits.charAt(i));
        }
        return (negative ? "-" : "") + out;
    }
}
