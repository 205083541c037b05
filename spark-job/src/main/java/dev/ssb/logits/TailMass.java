package dev.ssb.logits;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * How much of the teacher's distribution the stored top-k leaves out: per reply position i, the
 * tail mass {@code 1 − Σ_j exp(topk_logits[i·k + j] / T − logsumexp[i])} at the stored temperature
 * T (which distillation requires to equal distill.kd_temperature), summarised over every reply
 * position of every row by its mean and its 95th percentile (linear interpolation between order
 * statistics, as Spark's {@code percentile} and numpy's default). Distillation matches the student
 * to the renormalised top-k only, so a large tail says the KD target drops much of the teacher.
 *
 * @param positions reply positions summarised
 * @param mean mean tail mass
 * @param p95 95th percentile of the tail mass
 */
public record TailMass(long positions, double mean, double p95) {

    /** Manifest counts are integers: the statistics are stored in parts per million. */
    static final String MEAN_PPM = "tail_mass_mean_ppm";

    static final String P95_PPM = "tail_mass_p95_ppm";
    static final String POSITIONS = "tail_positions";

    public TailMass {
        if (positions < 0) {
            throw new IllegalArgumentException(
                    "Invalid positions: " + positions + " (must be >= 0)");
        }
    }

    /**
     * The tail mass of a teacher_logits table (columns {@code topk_logits}, {@code logsumexp},
     * {@code k}, {@code temperature}); empty when it has no reply position.
     */
    public static Optional<TailMass> of(Dataset<Row> teacherLogits) {
        Dataset<Double> tails =
                teacherLogits
                        .select("topk_logits", "logsumexp", "k", "temperature")
                        .flatMap(new Tails(), Encoders.DOUBLE());
        Row r =
                tails.agg(count(col("value")), avg(col("value")), expr("percentile(value, 0.95)"))
                        .first();
        long n = r.getLong(0);
        return n == 0
                ? Optional.empty()
                : Optional.of(new TailMass(n, r.getDouble(1), r.getDouble(2)));
    }

    /** The tail masses of one row's reply positions. */
    static double[] tails(List<Float> topkLogits, List<Float> logSumExp, int k, float temperature) {
        int positions = logSumExp.size();
        if (topkLogits.size() != positions * (long) k) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid teacher_logits row: %d top-k logits for %d positions at k = %d",
                            topkLogits.size(), positions, k));
        }
        double[] out = new double[positions];
        for (int i = 0; i < positions; i++) {
            double lse = logSumExp.get(i);
            double kept = 0;
            for (int j = 0; j < k; j++) {
                kept += Math.exp(topkLogits.get(i * k + j) / (double) temperature - lse);
            }
            out[i] = Math.min(1.0, Math.max(0.0, 1.0 - kept)); // rounding never leaves [0, 1]
        }
        return out;
    }

    /** The manifest counts of these statistics. */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put(POSITIONS, positions);
        counts.put(MEAN_PPM, Math.round(mean * 1e6));
        counts.put(P95_PPM, Math.round(p95 * 1e6));
        return counts;
    }

    /** The statistics in a teacher-logits manifest's counts, if it has them. */
    public static Optional<TailMass> fromCounts(Map<String, Long> counts) {
        if (!counts.containsKey(MEAN_PPM) || !counts.containsKey(P95_PPM)) {
            return Optional.empty();
        }
        return Optional.of(
                new TailMass(
                        counts.getOrDefault(POSITIONS, 0L),
                        counts.get(MEAN_PPM) / 1e6,
                        counts.get(P95_PPM) / 1e6));
    }

    private static final class Tails implements FlatMapFunction<Row, Double> {
        @Override
        public Iterator<Double> call(Row row) {
            double[] tails = tails(row.getList(0), row.getList(1), row.getInt(2), row.getFloat(3));
            List<Double> out = new ArrayList<>(tails.length);
            for (double t : tails) {
                out.add(t);
            }
            return out.iterator();
        }
    }
}
