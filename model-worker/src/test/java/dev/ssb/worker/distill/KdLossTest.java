package dev.ssb.worker.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ssb.worker.api.LossConfig;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KdLossTest {

    private static final int N = 6;
    private static final int V = 40;

    private NDManager manager;
    private float[][] teacher;
    private float[][] student;
    private int[] targets;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        Random random = new Random(7);
        teacher = new float[N][V];
        student = new float[N][V];
        targets = new int[N];
        for (int i = 0; i < N; i++) {
            for (int v = 0; v < V; v++) {
                teacher[i][v] = (float) (3 * random.nextGaussian());
                student[i][v] = (float) (3 * random.nextGaussian());
            }
            targets[i] = random.nextInt(V - 3);
        }
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /** Stores the teacher as the teacher-logits stage does: top-k ids, raw logits, exact lse. */
    private KdLoss.Terms loss(int k, int valid, LossConfig cfg) {
        int[][] ids = new int[N][];
        float[][] logits = new float[N][];
        float[] lse = new float[N];
        for (int i = 0; i < N; i++) {
            ids[i] = KdReference.topk(teacher[i], valid, k);
            logits[i] = KdReference.gatherRow(teacher[i], ids[i]);
            lse[i] = (float) KdReference.logSumExp(teacher[i], valid, cfg.temperature());
        }
        return compute(ids, logits, lse, valid, cfg);
    }

    private KdLoss.Terms compute(
            int[][] ids, float[][] logits, float[] lse, int valid, LossConfig cfg) {
        int k = ids[0].length;
        return KdLoss.compute(
                manager.create(KdReference.concat(student), new Shape(N, V)),
                manager.create(KdReference.concat(ids), new Shape(N, k)),
                manager.create(KdReference.concat(logits), new Shape(N, k)),
                manager.create(lse),
                manager.create(targets),
                valid,
                cfg);
    }

    @Test
    void fullVocabularyTopkEqualsFullKl() {
        LossConfig cfg = new LossConfig(2f, 1f, 0f);
        double expected = 0;
        for (int i = 0; i < N; i++) {
            expected += KdReference.fullKl(teacher[i], student[i], V, 2.0);
        }
        KdLoss.Terms terms = loss(V, V, cfg);
        assertThat(expected).isGreaterThan(1.0);
        assertThat(terms.kdSum().getFloat())
                .isCloseTo((float) expected, within(1e-5f * (float) expected));
        assertThat(terms.total().getFloat()).isEqualTo(terms.kdSum().getFloat());
    }

    @Test
    void topkMatchesBucketReferenceAndIgnoresPaddedRows() {
        int valid = V - 3;
        LossConfig cfg = new LossConfig(1.5f, 1f, 0f);
        double expected = 0;
        for (int i = 0; i < N; i++) {
            int[] ids = KdReference.topk(teacher[i], valid, 5);
            expected += KdReference.bucketKl(teacher[i], student[i], ids, valid, 1.5);
        }
        float before = loss(5, valid, cfg).kdSum().getFloat();
        for (int i = 0; i < N; i++) {
            for (int v = valid; v < V; v++) {
                student[i][v] = 80f; // padded embedding rows must not take student mass
            }
        }
        float after = loss(5, valid, cfg).kdSum().getFloat();
        assertThat(before).isCloseTo((float) expected, within(1e-5f * (float) expected));
        assertThat(after).isEqualTo(before);
    }

    @Test
    void topkDiffersFromFullKlWhenTailMatters() {
        // guards against a rest bucket silently dropped or double counted
        LossConfig cfg = new LossConfig(2f, 1f, 0f);
        double full = 0;
        for (int i = 0; i < N; i++) {
            full += KdReference.fullKl(teacher[i], student[i], V, 2.0);
        }
        assertThat((double) loss(3, V, cfg).kdSum().getFloat()).isLessThan(full * 0.9);
    }

    @Test
    void zeroRestMassContributesExactlyZeroWithFiniteGradient() {
        LossConfig cfg = new LossConfig(1f, 1f, 0f);
        int k = 4;
        int[][] ids = new int[N][];
        float[][] logits = new float[N][];
        float[] lse = new float[N];
        double expected = 0;
        for (int i = 0; i < N; i++) {
            ids[i] = KdReference.topk(teacher[i], V, k);
            logits[i] = KdReference.gatherRow(teacher[i], ids[i]);
            // a stored lse below the top-k's own lse: Σ p_j > 1, so p_rest clamps to 0
            double topLse = KdReference.logSumExp(logits[i], k, 1.0);
            lse[i] = (float) (topLse - 0.01);
            double[] lq = KdReference.logSoftmax(student[i], V, 1.0);
            for (int j = 0; j < k; j++) {
                double lp = logits[i][j] - lse[i];
                expected += Math.exp(lp) * (lp - lq[ids[i][j]]);
            }
        }
        NDArray logitsArray = manager.create(KdReference.concat(student), new Shape(N, V));
        logitsArray.setRequiresGradient(true);
        float value;
        float[] grad;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            KdLoss.Terms terms =
                    KdLoss.compute(
                            logitsArray,
                            manager.create(KdReference.concat(ids), new Shape(N, k)),
                            manager.create(KdReference.concat(logits), new Shape(N, k)),
                            manager.create(lse),
                            manager.create(targets),
                            V,
                            cfg);
            value = terms.total().getFloat();
            gc.backward(terms.total());
            grad = logitsArray.getGradient().toFloatArray();
        }
        assertThat(value).isCloseTo((float) expected, within(1e-5f * Math.abs((float) expected)));
        for (float g : grad) {
            assertThat(Float.isFinite(g)).isTrue();
        }
    }

    @Test
    void crossEntropyIsSummedAtTemperatureOne() {
        LossConfig cfg = new LossConfig(2f, 0.5f, 0.25f);
        double ce = 0;
        double kd = 0;
        for (int i = 0; i < N; i++) {
            ce += KdReference.crossEntropy(student[i], targets[i], V);
            kd += KdReference.fullKl(teacher[i], student[i], V, 2.0);
        }
        KdLoss.Terms terms = loss(V, V, cfg);
        assertThat(terms.ceSum().getFloat()).isCloseTo((float) ce, within(1e-5f * (float) ce));
        assertThat(terms.total().getFloat())
                .isCloseTo((float) (0.5 * kd + 0.25 * ce), within(1e-5f * (float) (kd + ce)));
    }

    @Test
    void rejectsKLargerThanValidVocabulary() {
        LossConfig cfg = LossConfig.paper();
        int[][] ids = new int[N][];
        float[][] logits = new float[N][];
        for (int i = 0; i < N; i++) {
            ids[i] = KdReference.topk(teacher[i], V, V);
            logits[i] = KdReference.gatherRow(teacher[i], ids[i]);
        }
        assertThatThrownBy(() -> compute(ids, logits, new float[N], V - 1, cfg))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid k: 40 (exceeds validVocab 39)");
    }

    @Test
    void rejectsMismatchedShapes() {
        assertThatThrownBy(
                        () ->
                                KdLoss.compute(
                                        manager.zeros(new Shape(N, V)),
                                        manager.zeros(new Shape(N, 3)),
                                        manager.zeros(new Shape(N, 3)),
                                        manager.zeros(new Shape(N + 1)),
                                        manager.zeros(new Shape(N)),
                                        V,
                                        LossConfig.paper()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid shapes");
    }
}
