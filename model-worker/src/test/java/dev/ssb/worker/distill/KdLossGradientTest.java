package dev.ssb.worker.distill;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ssb.worker.api.LossConfig;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Autograd gradient of KdLoss against central finite differences, all in float64. */
class KdLossGradientTest {

    private static final int N = 3;
    private static final int V = 9;
    private static final int VALID = 8;

    @ParameterizedTest(name = "k={0}, ceWeight={1}")
    @CsvSource({"3, 0", "3, 0.7", "8, 0", "8, 0.7"})
    void gradientMatchesCentralDifferences(int k, double ceWeight) {
        LossConfig cfg = new LossConfig(2f, 1f, (float) ceWeight);
        Random random = new Random(11 + k);
        double[] student = new double[N * V];
        for (int i = 0; i < student.length; i++) {
            student[i] = random.nextGaussian();
        }
        long[] ids = new long[N * k];
        double[] topk = new double[N * k];
        double[] lse = new double[N];
        long[] targets = new long[N];
        for (int i = 0; i < N; i++) {
            float[] teacherRow = new float[VALID];
            for (int v = 0; v < VALID; v++) {
                teacherRow[v] = (float) (2 * random.nextGaussian());
            }
            int[] rowIds = KdReference.topk(teacherRow, VALID, k);
            for (int j = 0; j < k; j++) {
                ids[i * k + j] = rowIds[j];
                topk[i * k + j] = teacherRow[rowIds[j]];
            }
            lse[i] = KdReference.logSumExp(teacherRow, VALID, cfg.temperature());
            targets[i] = random.nextInt(VALID);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray idsArray = manager.create(ids, new Shape(N, k));
            NDArray topkArray = manager.create(topk, new Shape(N, k));
            NDArray lseArray = manager.create(lse);
            NDArray targetArray = manager.create(targets);

            NDArray logits = manager.create(student, new Shape(N, V));
            assertThat(logits.getDataType()).isEqualTo(DataType.FLOAT64);
            logits.setRequiresGradient(true);
            double[] analytic;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray total =
                        KdLoss.compute(
                                        logits,
                                        idsArray,
                                        topkArray,
                                        lseArray,
                                        targetArray,
                                        VALID,
                                        cfg)
                                .total();
                gc.backward(total);
                analytic = logits.getGradient().toDoubleArray();
            }

            double eps = 1e-6;
            double maxAbs = 0;
            for (int i = 0; i < student.length; i++) {
                double saved = student[i];
                student[i] = saved + eps;
                double plus =
                        evaluate(manager, student, idsArray, topkArray, lseArray, targetArray, cfg);
                student[i] = saved - eps;
                double minus =
                        evaluate(manager, student, idsArray, topkArray, lseArray, targetArray, cfg);
                student[i] = saved;
                double numeric = (plus - minus) / (2 * eps);
                assertThat(analytic[i])
                        .as("d loss / d logit[%s]", i)
                        .isCloseTo(
                                numeric,
                                org.assertj.core.api.Assertions.within(
                                        1e-7 + 1e-6 * Math.abs(numeric)));
                maxAbs = Math.max(maxAbs, Math.abs(analytic[i]));
            }
            assertThat(maxAbs).as("gradient must not be trivially zero").isGreaterThan(1e-3);
            for (int i = 0; i < N; i++) {
                // the padded row beyond the valid vocabulary receives no gradient
                assertThat(analytic[i * V + VALID]).isZero();
            }
        }
    }

    private static double evaluate(
            NDManager manager,
            double[] student,
            NDArray ids,
            NDArray topk,
            NDArray lse,
            NDArray targets,
            LossConfig cfg) {
        try (NDManager sub = manager.newSubManager()) {
            NDArray logits = sub.create(student, new Shape(N, V));
            return KdLoss.compute(logits, ids, topk, lse, targets, VALID, cfg)
                    .total()
                    .toDoubleArray()[0];
        }
    }
}
