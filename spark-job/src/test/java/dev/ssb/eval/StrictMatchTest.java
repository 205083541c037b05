package dev.ssb.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The strict verdict: exact match after light normalisation only (docs/verifier.md). */
class StrictMatchTest {

    @Test
    void lightNormalisationIsWhitespaceOneDollarPairAndATrailingPeriod() {
        assertThat(StrictMatch.matches(" 18 ", "18")).isTrue();
        assertThat(StrictMatch.matches("\\frac{1} {2}", "\\frac{1}{2}")).isTrue();
        assertThat(StrictMatch.matches("$18$", "18")).isTrue();
        assertThat(StrictMatch.matches("18.", "18")).isTrue();
        assertThat(StrictMatch.matches("x = 3", "x=3")).isTrue();
    }

    @Test
    void everyOtherDifferenceIsWrongEvenWhenEquivalent() {
        assertThat(StrictMatch.matches("1,000", "1000")).isFalse();
        assertThat(StrictMatch.matches("18.00", "18")).isFalse();
        assertThat(StrictMatch.matches("0.5", "\\frac{1}{2}")).isFalse();
        assertThat(StrictMatch.matches("\\$18", "18")).isFalse();
        assertThat(StrictMatch.matches("18 dollars", "18")).isFalse();
        assertThat(StrictMatch.matches(null, "18")).isFalse();
        assertThat(StrictMatch.matches("", "")).as("no answer is never right").isFalse();
    }
}
