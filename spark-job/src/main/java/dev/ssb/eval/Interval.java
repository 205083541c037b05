package dev.ssb.eval;

import static java.util.Objects.requireNonNull;

/**
 * An estimate with its two-sided 95% interval.
 *
 * @param estimate the point estimate
 * @param lower lower end, {@code <= estimate}
 * @param upper upper end, {@code >= estimate}
 * @param method how the interval was computed: {@code wilson}, {@code normal} or {@code
 *     paired-normal}
 */
public record Interval(double estimate, double lower, double upper, String method) {

    public Interval {
        requireNonNull(method, "method is null");
        if (!(lower <= estimate && estimate <= upper)) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid interval: %s not in [%s, %s] (%s)",
                            estimate, lower, upper, method));
        }
    }
}
