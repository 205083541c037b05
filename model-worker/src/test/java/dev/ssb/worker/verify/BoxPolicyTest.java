package dev.ssb.worker.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.worker.api.AnswerVerifier;
import dev.ssb.worker.api.Verdict;
import dev.ssb.worker.api.Verification;
import dev.ssb.worker.api.VerifierConfig;
import dev.ssb.worker.api.VerifierConfig.BoxPolicy;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The two policies for completions with several boxes. */
class BoxPolicyTest {

    private static final String TWO_BOXES =
            "Both pairs work: $\\boxed{(2,2)}$ and $\\boxed{(6,2)}$.";
    private static final String GOLD = "(2,2), (6,2)";

    private static AnswerVerifier all;
    private static AnswerVerifier last;

    @BeforeAll
    static void start() {
        VerifierConfig config = VerifierConfig.defaults().withTimeout(Duration.ofSeconds(5));
        all = AnswerVerifier.create(config.withBoxPolicy(BoxPolicy.ALL_FOR_LIST_GOLD));
        last = AnswerVerifier.create(config.withBoxPolicy(BoxPolicy.LAST));
    }

    @AfterAll
    static void stop() {
        all.close();
        last.close();
    }

    @Test
    void theDefaultTakesAllBoxesForAListGold() {
        assertThat(VerifierConfig.defaults().boxPolicy()).isEqualTo(BoxPolicy.ALL_FOR_LIST_GOLD);
        Verification v = all.verify(TWO_BOXES, false, GOLD);
        assertThat(v.verdict()).isEqualTo(Verdict.CORRECT);
        assertThat(v.reason()).startsWith("all 2 boxes as an unordered list");
        assertThat(v.extracted()).isEqualTo("(2,2), (6,2)");
        assertThat(all.verifyPrediction(TWO_BOXES, GOLD).verdict()).isEqualTo(Verdict.CORRECT);
    }

    @Test
    void lastComparesTheLastBoxOnly() {
        Verification v = last.verify(TWO_BOXES, false, GOLD);
        assertThat(v.verdict()).isEqualTo(Verdict.WRONG);
        assertThat(v.extracted()).isEqualTo("(6,2)");
        assertThat(last.verify("\\boxed{1} \\boxed{(2,2), (6,2)}", false, GOLD).verdict())
                .isEqualTo(Verdict.CORRECT);
    }

    @Test
    void aSingleValueGoldUsesTheLastBoxUnderBothPolicies() {
        for (AnswerVerifier v : new AnswerVerifier[] {all, last}) {
            assertThat(v.verify("\\boxed{3} then \\boxed{5}", false, "5").verdict())
                    .isEqualTo(Verdict.CORRECT);
            assertThat(v.verify("\\boxed{5} then \\boxed{3}", false, "5").verdict())
                    .isEqualTo(Verdict.WRONG);
        }
    }

    @Test
    void allBoxesMustMatchTheWholeGold() {
        assertThat(
                        all.verify("\\boxed{(2,2)} \\boxed{(6,2)} \\boxed{(1,1)}", false, GOLD)
                                .verdict())
                .isEqualTo(Verdict.WRONG);
        assertThat(all.verify("\\boxed{(2,2)}", false, GOLD).verdict()).isEqualTo(Verdict.WRONG);
        assertThat(all.verify("\\boxed{(2,2)} \\boxed{(2,2)}", false, GOLD).verdict())
                .isEqualTo(Verdict.WRONG);
    }

    @Test
    void theBoxPolicyIsRequired() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> VerifierConfig.defaults().withBoxPolicy(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("box policy");
    }
}
