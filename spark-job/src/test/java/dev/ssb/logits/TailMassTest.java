package dev.ssb.logits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ssb.spark.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The tail mass 1 − Σ top-k p at the stored temperature, from a hand-built teacher_logits. */
class TailMassTest {

    private static final float T = 2f;
    private final SparkSession spark = SharedSpark.session();

    /**
     * A teacher_logits row whose position i keeps the probabilities {@code kept[i]} (at T) and has
     * log-sum-exp {@code lse[i]}: the stored logit of probability p is T · (ln p + lse).
     */
    private static Row row(String id, double[][] kept, float[] lse) {
        int k = kept[0].length;
        List<Float> logits = new ArrayList<>();
        List<Float> sums = new ArrayList<>();
        for (int i = 0; i < kept.length; i++) {
            for (double p : kept[i]) {
                logits.add((float) (T * (Math.log(p) + lse[i])));
            }
            sums.add(lse[i]);
        }
        int[] none = new int[0];
        return RowFactory.create(
                id,
                none,
                none,
                none,
                kept.length,
                new int[kept.length * k],
                toArray(logits),
                toArray(sums),
                k,
                T,
                "fake",
                "r1",
                "hash");
    }

    private static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    @Test
    void meanAndNinetyFifthPercentileOverEveryReplyPosition() {
        // tails: row a 0.2, 0.1, 0.0; row b 0.4, 0.05
        Row a =
                row(
                        "a",
                        new double[][] {{0.5, 0.3}, {0.6, 0.3}, {0.75, 0.25}},
                        new float[] {0f, 3.5f, -1.25f});
        Row b = row("b", new double[][] {{0.4, 0.2}, {0.9, 0.05}}, new float[] {7f, 0.5f});
        Dataset<Row> logits =
                spark.createDataFrame(List.of(a, b), TeacherLogitsStage.TEACHER_LOGITS_SCHEMA)
                        .repartition(2);
        TailMass tail = TailMass.of(logits).orElseThrow();
        assertThat(tail.positions()).isEqualTo(5);
        assertThat(tail.mean()).isCloseTo((0.2 + 0.1 + 0.0 + 0.4 + 0.05) / 5, within(1e-6));
        // sorted 0, 0.05, 0.1, 0.2, 0.4: rank 0.95 · 4 = 3.8 → 0.2 + 0.8 · (0.4 − 0.2)
        assertThat(tail.p95()).isCloseTo(0.36, within(1e-6));

        Map<String, Long> counts = tail.counts();
        assertThat(counts)
                .containsEntry("tail_positions", 5L)
                .containsEntry("tail_mass_mean_ppm", 150_000L)
                .containsEntry("tail_mass_p95_ppm", 360_000L);
        TailMass back = TailMass.fromCounts(counts).orElseThrow();
        assertThat(back.mean()).isEqualTo(0.15);
        assertThat(back.p95()).isEqualTo(0.36);
        assertThat(TailMass.fromCounts(Map.of("k", 20L))).isEmpty();
    }

    @Test
    void anEmptyTableHasNoTailAndAMisshapedRowIsNamed() {
        assertThat(
                        TailMass.of(
                                spark.createDataFrame(
                                        List.of(), TeacherLogitsStage.TEACHER_LOGITS_SCHEMA)))
                .isEmpty();
        assertThatThrownBy(() -> TailMass.tails(List.of(1f, 2f, 3f), List.of(0f, 0f), 2, T))
                .hasMessage("Invalid teacher_logits row: 3 top-k logits for 2 positions at k = 2");
        // rounding never leaves [0, 1]: a top-k that holds all the mass has tail 0, not −1e-8
        assertThat(TailMass.tails(List.of(0f), List.of(0f), 1, T)).containsExactly(0.0);
    }
}
