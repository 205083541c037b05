package dev.ssb.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Expected values were computed independently with python3 offline: Wilson ends as the roots of
 * {@code (p̂ − p)² = z²·p(1 − p)/n} (numpy.roots), normal ends with statistics.stdev, z =
 * NormalDist().inv_cdf(0.975).
 */
class IntervalsTest {

    private static final double EPS = 1e-9;

    @Test
    void wilsonMatchesTheRootsOfTheScoreEquation() {
        assertWilson(0, 30, 0.0, 0.11351339317396873);
        assertWilson(4, 30, 0.05309655484054746, 0.2968132668203629);
        assertWilson(30, 30, 0.8864866068260295, 1.0);
        assertWilson(277, 500, 0.5101829628154828, 0.5969936084146696);
        assertWilson(1, 1, 0.2065493143772375, 1.0);
    }

    private static void assertWilson(long s, long n, double lower, double upper) {
        Interval i = Intervals.wilson(s, n);
        assertThat(i.estimate()).isEqualTo(s / (double) n);
        assertThat(i.lower()).as("lower of %s/%s", s, n).isCloseTo(lower, within(EPS));
        assertThat(i.upper()).as("upper of %s/%s", s, n).isCloseTo(upper, within(EPS));
        assertThat(i.method()).isEqualTo("wilson");
    }

    @Test
    void scoresWithoutSpreadFallBackToWilsonInsteadOfAZeroWidthInterval() {
        Interval allZero = Intervals.mean(new double[30]);
        assertThat(allZero.method()).isEqualTo("wilson");
        assertThat(allZero.estimate()).isZero();
        assertThat(allZero.lower()).isZero();
        assertThat(allZero.upper()).isCloseTo(0.11351339317396873, within(EPS));
        double[] allOne = new double[30];
        java.util.Arrays.fill(allOne, 1.0);
        assertThat(Intervals.mean(allOne).lower()).isCloseTo(0.8864866068260295, within(EPS));
        Interval single = Intervals.mean(new double[] {1.0});
        assertThat(single.method()).isEqualTo("wilson");
        assertThat(single.lower()).isCloseTo(0.2065493143772375, within(EPS));
    }

    @Test
    void normalIntervalOfTheMeanOverProblems() {
        Interval i = Intervals.mean(new double[] {0.25, 0.5, 1.0, 0.0, 0.75, 0.5});
        assertThat(i.estimate()).isCloseTo(0.5, within(EPS));
        assertThat(i.lower()).isCloseTo(0.21710356648095713, within(EPS));
        assertThat(i.upper()).isCloseTo(0.7828964335190429, within(EPS));
        assertThat(i.method()).isEqualTo("normal");
    }

    @Test
    void normalIntervalIsClippedToTheScoreRange() {
        Interval i = Intervals.mean(new double[] {1, 1, 1, 0.75});
        assertThat(i.method()).isEqualTo("normal");
        assertThat(i.upper()).isEqualTo(1.0);
        assertThat(i.lower()).isLessThan(i.estimate());
        assertThatThrownBy(() -> Intervals.mean(new double[] {0.5, 1.5}))
                .hasMessage("Invalid score: 1.5 (must be in [0, 1])");
    }

    @Test
    void pairedDifferenceIsTheIntervalOfPerProblemDifferences() {
        double[] base = {0.25, 0.5, 1.0, 0.0, 0.75, 0.5};
        double[] student = {0.5, 0.5, 1.0, 0.25, 1.0, 1.0};
        Interval d = Intervals.pairedDifference(base, student);
        assertThat(d.estimate()).isCloseTo(0.20833333333333334, within(EPS));
        assertThat(d.lower()).isCloseTo(0.05775020758200056, within(EPS));
        assertThat(d.upper()).isCloseTo(0.35891645908466613, within(EPS));
        assertThat(d.method()).isEqualTo("paired-normal");
        // unpaired, the same means would not be distinguishable: the pairing is what narrows it
        Interval b = Intervals.mean(base);
        Interval s = Intervals.mean(student);
        assertThat(s.lower()).isLessThan(b.upper());
    }

    @Test
    void rejectsImpossibleCounts() {
        assertThatThrownBy(() -> Intervals.wilson(3, 2))
                .hasMessage("Invalid successes: 3 (must be in [0, 2])");
        assertThatThrownBy(() -> Intervals.wilson(0, 0))
                .hasMessage("Invalid trials: 0 (must be > 0)");
        assertThatThrownBy(() -> Intervals.pairedDifference(new double[2], new double[3]))
                .hasMessage("Invalid paired scores: 2 vs 3 problems");
    }
}
