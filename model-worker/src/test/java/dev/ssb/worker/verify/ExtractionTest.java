package dev.ssb.worker.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.worker.api.AnswerVerifier;
import dev.ssb.worker.api.Verdict;
import dev.ssb.worker.api.Verification;
import dev.ssb.worker.api.VerifierConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ExtractionTest {

    private static AnswerVerifier verifier;
    private static AnswerVerifier withPhrase;

    @BeforeAll
    static void start() {
        verifier = AnswerVerifier.create();
        withPhrase = AnswerVerifier.create(VerifierConfig.defaults().withAnswerIsPhrase(true));
    }

    @AfterAll
    static void stop() {
        verifier.close();
        withPhrase.close();
    }

    @Test
    void takesTheLastBoxWithNestedBraces() {
        String completion = "First $\\boxed{1}$, then finally $\\boxed{\\frac{1}{\\sqrt{2}}}$.";
        assertThat(verifier.extractAnswer(completion)).contains("\\frac{1}{\\sqrt{2}}");
    }

    @Test
    void acceptsSpacedBoxFboxAndUnbracedBox() {
        assertThat(verifier.extractAnswer("so \\boxed {42}")).contains("42");
        assertThat(verifier.extractAnswer("so \\fbox{7} done")).contains("7");
        assertThat(verifier.extractAnswer("so $\\boxed 5$.")).contains("5");
        assertThat(verifier.extractAnswer("\\boxed{1} and \\fbox{2}")).contains("2");
    }

    @Test
    void escapedBracesDoNotNest() {
        assertThat(verifier.extractAnswer("\\boxed{\\{1,2\\}}")).contains("\\{1,2\\}");
    }

    @Test
    void aBoxCutByMaxTokensFallsBackToTheEarlierOne() {
        assertThat(verifier.extractAnswer("\\boxed{3} ... so \\boxed{\\frac{1}{")).contains("3");
    }

    @Test
    void usesGsm8kHashesWhenThereIsNoBox() {
        assertThat(verifier.extractAnswer("She makes 9 * 2 = 18.\n#### 18")).contains("18");
        assertThat(verifier.extractAnswer("#### 1\n#### 2\n")).contains("2");
        assertThat(verifier.extractAnswer("\\boxed{5}\n#### 6")).contains("5");
    }

    @Test
    void answerIsPhraseOnlyWhenConfigured() {
        String completion = "Adding up, the answer is $1,000$. Done.";
        assertThat(verifier.extractAnswer(completion)).isEmpty();
        assertThat(withPhrase.extractAnswer(completion)).contains("1,000");
        assertThat(withPhrase.extractAnswer("The final answer is 3.5.")).contains("3.5");
        assertThat(withPhrase.verify(completion, false, "1000").verdict())
                .isEqualTo(Verdict.CORRECT);
    }

    @Test
    void noAnswerOrTruncated() {
        Verification none = verifier.verify("I think it is 5", false, "5");
        assertThat(none.verdict()).isEqualTo(Verdict.NO_ANSWER);
        assertThat(none.extracted()).isNull();
        assertThat(verifier.verify("Let me compute 2 + ", true, "5").verdict())
                .isEqualTo(Verdict.TRUNCATED);
        // a truncated completion that did give an answer is judged on it
        assertThat(verifier.verify("\\boxed{5} and more", true, "5").verdict())
                .isEqualTo(Verdict.CORRECT);
        assertThat(verifier.verify("\\boxed{}", false, "5").verdict()).isEqualTo(Verdict.NO_ANSWER);
    }

    @Test
    void extractsGoldAnswersOfEachDataset() {
        assertThat(verifier.extractGold("He sold 48/2 = <<48/2=24>>24 clips.\n#### 72"))
                .contains("72");
        assertThat(verifier.extractGold("\\frac{14}{3}")).contains("\\frac{14}{3}");
        assertThat(verifier.extractGold("so the answer is $\\boxed{p - q}$.")).contains("p - q");
        assertThat(verifier.extractGold("025")).contains("025");
        assertThat(verifier.extractGold("  ")).isEmpty();
        assertThat(verifier.extractGold(null)).isEmpty();
    }

    @Test
    void predictionMayBeABareAnswer() {
        assertThat(verifier.verifyPrediction("8,000", "8000").verdict()).isEqualTo(Verdict.CORRECT);
        assertThat(verifier.verifyPrediction("so \\boxed{7}", "8").verdict())
                .isEqualTo(Verdict.WRONG);
        assertThat(verifier.verifyPrediction("line one\nline two", "8").verdict())
                .isEqualTo(Verdict.NO_ANSWER);
    }
}
