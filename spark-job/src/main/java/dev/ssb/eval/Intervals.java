package dev.ssb.eval;

/**
 * 95% intervals for accuracies over a set of problems.
 *
 * <ul>
 *   <li>{@link #wilson(long, long)}: Wilson score interval of a binomial proportion, used when
 *       every problem scores 0 or 1 (pass@1 with one sample, maj@k). Unlike the normal interval it
 *       keeps a non-zero width at 0% and 100% (e.g. 0 of 30 AIME problems gives [0, 11.4%]).
 *   <li>{@link #mean(double[])}: normal interval over problems, {@code mean ± z·s/√P} with {@code
 *       s} the sample standard deviation of the per-problem scores, clipped to the score's range;
 *       used for pass@1 averaged over n &gt; 1 samples, where the problems, not the samples, are
 *       the independent units. When the scores have no spread to estimate (one problem, or every
 *       problem scoring the same, e.g. 0 on all of AIME) it falls back to the Wilson interval over
 *       the problems instead of a zero-width interval; per-problem scores in [0, 1] with mean p
 *       have variance at most p(1 − p), so that fallback is conservative.
 *   <li>{@link #pairedDifference(double[], double[])}: the normal interval of the per-problem
 *       differences (student − base on the same problems with the same seeds), which removes the
 *       between-problem variance the two models share.
 * </ul>
 */
final class Intervals {

    /** The two-sided 95% quantile of the standard normal distribution. */
    static final double Z95 = 1.959963984540054;

    private Intervals() {}

    /** Wilson score interval of {@code successes} out of {@code trials}. */
    static Interval wilson(long successes, long trials) {
        if (trials <= 0) {
            throw new IllegalArgumentException("Invalid trials: " + trials + " (must be > 0)");
        }
        if (successes < 0 || successes > trials) {
            throw new IllegalArgumentException(
                    "Invalid successes: " + successes + " (must be in [0, " + trials + "])");
        }
        return wilson(successes / (double) trials, trials);
    }

    private static Interval wilson(double p, double n) {
        double z2 = Z95 * Z95;
        double denominator = 1 + z2 / n;
        double center = (p + z2 / (2 * n)) / denominator;
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
        // rounding can put the ends a hair beyond the estimate at p = 0 or 1
        return new Interval(
                p,
                Math.min(p, Math.max(0, center - half)),
                Math.max(p, Math.min(1, center + half)),
                "wilson");
    }

    /**
     * Normal interval of the mean of per-problem scores in [0, 1]; the Wilson interval over the
     * problems when the scores have no spread (a single problem, or all equal).
     */
    static Interval mean(double[] scores) {
        for (double x : scores) {
            if (!(x >= 0 && x <= 1)) {
                throw new IllegalArgumentException("Invalid score: " + x + " (must be in [0, 1])");
            }
        }
        Interval normal = normal(scores, 0, 1, "normal");
        return normal.lower() == normal.upper() || scores.length == 1
                ? wilson(normal.estimate(), scores.length)
                : normal;
    }

    /** Paired normal interval of {@code mean(b) - mean(a)} over the same problems. */
    static Interval pairedDifference(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "Invalid paired scores: " + a.length + " vs " + b.length + " problems");
        }
        double[] d = new double[a.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = b[i] - a[i];
        }
        return normal(d, -1, 1, "paired-normal");
    }

    private static Interval normal(double[] xs, double min, double max, String method) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("Invalid scores: empty");
        }
        double mean = 0;
        for (double x : xs) {
            mean += x;
        }
        mean /= xs.length;
        if (xs.length == 1) {
            return new Interval(mean, min, max, method);
        }
        double ss = 0;
        for (double x : xs) {
            ss += (x - mean) * (x - mean);
        }
        double se = Math.sqrt(ss / (xs.length - 1)) / Math.sqrt(xs.length);
        return new Interval(
                mean, Math.max(min, mean - Z95 * se), Math.min(max, mean + Z95 * se), method);
    }
}
