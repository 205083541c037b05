package dev.ssb.eval;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

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

    /**
     * As the reports print it: {@code 30.0% (27.0–33.1)}, or signed points {@code +11.7 pp (+9.3,
     * +14.1)}.
     */
    public String percent(boolean signed) {
        return String.format(
                Locale.ROOT,
                signed ? "%+.1f pp (%+.1f, %+.1f)" : "%.1f%% (%.1f–%.1f)",
                100 * estimate,
                100 * lower,
                100 * upper);
    }

    /** Writes this interval as the JSON object {@code name} of {@code parent}. */
    public void putInto(ObjectNode parent, String name) {
        ObjectNode node = parent.putObject(name);
        node.put("estimate", estimate);
        node.put("lower", lower);
        node.put("upper", upper);
        node.put("method", method);
    }
}
