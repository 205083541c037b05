package dev.ssb.worker.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ssb.worker.api.LossConfig;
import dev.ssb.worker.model.Scalars;

/**
 * The distillation loss of DESIGN.md §3 over stored top-k teacher distributions, as differentiable
 * NDArray operations.
 *
 * <p>Per reply token the teacher's distribution at temperature T is known exactly on its k kept
 * tokens ({@code p_j = exp(z_j / T - lse)}); everything else is one "rest" bucket with {@code
 * p_rest = max(0, 1 - Σ p_j)}. The student's distribution is reduced to the same k + 1 buckets:
 * {@code q_j} on the teacher's tokens and {@code q_rest} = its mass on all other valid tokens,
 * computed as a log-sum-exp over those tokens (never as {@code 1 - Σ q_j}, which cancels
 * catastrophically when the top-k mass is close to 1). The KD term is {@code T² · KL(p ‖ q)} over
 * the buckets; a bucket with {@code p = 0} contributes exactly 0. When k covers the whole valid
 * vocabulary there is no rest bucket and the result is the full KL.
 */
final class KdLoss {

    private KdLoss() {}

    /**
     * Scalar loss terms in the dtype of the student logits, all summed over tokens.
     *
     * @param total {@code kdWeight · kdSum + ceWeight · ceSum}: what to differentiate
     * @param kdSum Σ over tokens of {@code T² · KL}
     * @param ceSum Σ over tokens of {@code -log softmax(z_student)[target]} (at temperature 1)
     */
    record Terms(NDArray total, NDArray kdSum, NDArray ceSum) {}

    /**
     * Computes the loss. Intermediate arrays are attached to the student logits' manager: call it
     * inside a sub-manager.
     *
     * @param studentLogits {@code [n, V]} raw student logits at the n positions predicting reply
     *     tokens (V = embedding rows, may exceed validVocab)
     * @param topkIds {@code [n, k]} int teacher token ids, distinct per row, each {@code <
     *     validVocab}
     * @param topkLogits {@code [n, k]} raw teacher logits (not divided by T)
     * @param logSumExp {@code [n]} log-sum-exp of the teacher's valid-vocabulary logits / T
     * @param targets {@code [n]} int reply token ids (CE targets)
     * @param validVocab the tokenizer's vocabulary size: logit columns at or beyond it are excluded
     *     from the student's softmax, as they were from the teacher's
     * @param loss temperature and weights
     */
    static Terms compute(
            NDArray studentLogits,
            NDArray topkIds,
            NDArray topkLogits,
            NDArray logSumExp,
            NDArray targets,
            int validVocab,
            LossConfig loss) {
        Shape shape = studentLogits.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("Invalid student logits shape: " + shape);
        }
        long n = shape.get(0);
        long vocab = shape.get(1);
        if (validVocab <= 0 || validVocab > vocab) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid validVocab: %s (must be in [1, %s])", validVocab, vocab));
        }
        Shape idsShape = topkIds.getShape();
        if (idsShape.dimension() != 2
                || idsShape.get(0) != n
                || !topkLogits.getShape().equals(idsShape)
                || !logSumExp.getShape().equals(new Shape(n))
                || !targets.getShape().equals(new Shape(n))) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid shapes: logits %s, topkIds %s, topkLogits %s, logSumExp %s,"
                                    + " targets %s",
                            shape,
                            idsShape,
                            topkLogits.getShape(),
                            logSumExp.getShape(),
                            targets.getShape()));
        }
        long k = idsShape.get(1);
        if (k > validVocab) {
            throw new IllegalArgumentException(
                    String.format("Invalid k: %s (exceeds validVocab %s)", k, validVocab));
        }
        DataType dtype = studentLogits.getDataType();
        float t = loss.temperature();

        NDArray logits =
                validVocab < vocab
                        ? studentLogits.get(new NDIndex(":, :{}", validVocab))
                        : studentLogits;
        NDArray ids = topkIds.toType(DataType.INT64, false);

        NDArray logq = Scalars.div(logits, t).logSoftmax(1); // [n, Vv]
        NDArray logqTop = logq.gather(ids, 1); // [n, k]
        NDArray logp =
                Scalars.div(topkLogits.toType(dtype, false), t)
                        .sub(logSumExp.toType(dtype, false).expandDims(1)); // [n, k]
        NDArray p = logp.exp();
        // p · (log p − log q) with log p taken from the logits: an underflowed p gives 0·finite = 0
        NDArray kl = p.mul(logp.sub(logqTop)).sum(new int[] {1}); // [n]
        if (k < validVocab) {
            kl = kl.add(restTerm(logq, ids, p));
        }
        NDArray kdSum = Scalars.mul(kl.sum(), t * t);

        NDArray ceSum =
                t == 1f
                        ? logq.gather(targets.toType(DataType.INT64, false).expandDims(1), 1)
                                .sum()
                                .neg()
                        : crossEntropySum(logits, targets);
        NDArray total =
                Scalars.mul(kdSum, loss.kdWeight()).add(Scalars.mul(ceSum, loss.ceWeight()));
        return new Terms(total, kdSum, ceSum);
    }

    /**
     * The loss of reply positions {@code rows} given the student's logits there, already restricted
     * to the valid vocabulary.
     *
     * @param studentLogits {@code [m, validVocab]}
     */
    static Terms compute(NDArray studentLogits, KdBatch.Rows rows, LossConfig loss) {
        return compute(
                studentLogits,
                rows.topkIds(),
                rows.topkLogits(),
                rows.logSumExp(),
                rows.targets(),
                Math.toIntExact(studentLogits.getShape().get(1)),
                loss);
    }

    /**
     * Σ over rows of {@code -log softmax(logits)[target]}: a scalar.
     *
     * @param logits {@code [n, V]}
     * @param targets {@code [n]} int ids
     */
    static NDArray crossEntropySum(NDArray logits, NDArray targets) {
        return logits.logSoftmax(1)
                .gather(targets.toType(DataType.INT64, false).expandDims(1), 1)
                .sum()
                .neg();
    }

    /** {@code p_rest · (log p_rest − log q_rest)} per row, exactly 0 where p_rest = 0. */
    private static NDArray restTerm(NDArray logq, NDArray ids, NDArray p) {
        NDArray pRest = Scalars.maximum(p.sum(new int[] {1}).neg().add(1), 0f); // [n]
        NDArray inTopk =
                logq.zerosLike()
                        .toType(DataType.BOOLEAN, false)
                        .scatter(ids, ids.onesLike().toType(DataType.BOOLEAN, false), 1);
        NDArray minusInf = logq.getManager().full(logq.getShape(), Float.NEGATIVE_INFINITY);
        NDArray logqRest =
                logSumExp(NDArrays.where(inTopk, minusInf.toType(logq.getDataType(), false), logq));
        NDArray positive = pRest.gt(0);
        // log of 1 where p_rest = 0 keeps the unselected branch finite, so its gradient is 0, not
        // NaN
        NDArray safeLog = NDArrays.where(positive, pRest, pRest.onesLike()).log();
        NDArray term = pRest.mul(safeLog.sub(logqRest));
        return NDArrays.where(positive, term, term.zerosLike());
    }

    /**
     * Row-wise log-sum-exp of {@code [n, m]} with at least one finite entry per row: {@code [n]}.
     */
    static NDArray logSumExp(NDArray x) {
        NDArray max = x.max(new int[] {1}, true).stopGradient();
        return x.sub(max).exp().sum(new int[] {1}).log().add(max.squeeze(1));
    }
}
