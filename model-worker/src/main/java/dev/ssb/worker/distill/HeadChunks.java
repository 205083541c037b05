package dev.ssb.worker.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;

/**
 * Back-propagation of a loss that is a sum over rows of final hidden states through the LM head, a
 * chunk of rows at a time, so that at most {@code chunkRows × vocab} logits (and their gradient)
 * exist at once whatever the reply length.
 *
 * <p>For each chunk the hidden rows are detached into a leaf, the chunk's logits and loss are built
 * on the leaf and back-propagated (gradients of parameters inside the head, if any require them,
 * accumulate as usual); the leaves' gradients are then back-propagated through the transformer in
 * one pass as {@code Σ rows ⊙ stopGradient(∂L/∂rows)}. Since the loss is a sum over rows, the
 * result equals the unchunked gradient up to float rounding.
 */
final class HeadChunks {

    /** Logit values materialised at once: ~32 MB of float32, ~55 rows at a 152k vocabulary. */
    static final long MAX_LOGIT_VALUES = 8L << 20;

    private HeadChunks() {}

    /** The loss of rows {@code [from, to)} given their hidden states. */
    @FunctionalInterface
    interface ChunkLoss {
        /**
         * @param rows {@code [to - from, hidden]}
         * @return scalars: element 0 is differentiated; all are summed over chunks and reported
         */
        NDArray[] apply(NDArray rows, int from, int to);
    }

    /** Rows per chunk for a vocabulary of {@code vocab} logits, at least 1. */
    static int rowsFor(int vocab) {
        return (int) Math.max(1, MAX_LOGIT_VALUES / Math.max(1, vocab));
    }

    /**
     * Back-propagates {@code loss} summed over all chunks of {@code rows}; call with a gradient
     * collector open.
     *
     * @param rows {@code [n, hidden]}, part of the autograd graph
     * @param chunkRows rows per chunk, {@code > 0}
     * @return per returned scalar, its sum over chunks (float64 accumulation)
     */
    static double[] backward(
            GradientCollector collector, NDArray rows, int chunkRows, ChunkLoss loss) {
        if (chunkRows <= 0) {
            throw new IllegalArgumentException("Invalid chunk rows: " + chunkRows);
        }
        int n = Math.toIntExact(rows.getShape().get(0));
        NDManager owner = rows.getManager();
        double[] sums = null;
        NDList grads = new NDList();
        for (int from = 0; from < n; from += chunkRows) {
            int to = Math.min(n, from + chunkRows);
            try (NDManager chunk = owner.newSubManager()) {
                NDArray leaf = rows.get(chunk, new NDIndex("{}:{}", from, to)).stopGradient();
                leaf.setRequiresGradient(true);
                NDArray[] values = loss.apply(leaf, from, to);
                collector.backward(values[0]);
                sums = add(sums, values);
                NDArray g = leaf.getGradient();
                g.attach(owner);
                grads.add(g);
            }
        }
        if (grads.isEmpty()) {
            throw new IllegalArgumentException("Invalid rows: none");
        }
        NDArray dRows = grads.size() == 1 ? grads.get(0) : NDArrays.concat(grads, 0);
        collector.backward(rows.mul(dRows.stopGradient()).sum());
        return sums;
    }

    /** Like {@link #backward} without gradients: the summed scalars only. */
    static double[] forward(NDArray rows, int chunkRows, ChunkLoss loss) {
        if (chunkRows <= 0) {
            throw new IllegalArgumentException("Invalid chunk rows: " + chunkRows);
        }
        int n = Math.toIntExact(rows.getShape().get(0));
        double[] sums = null;
        for (int from = 0; from < n; from += chunkRows) {
            int to = Math.min(n, from + chunkRows);
            try (NDManager chunk = rows.getManager().newSubManager()) {
                sums =
                        add(
                                sums,
                                loss.apply(
                                        rows.get(chunk, new NDIndex("{}:{}", from, to)), from, to));
            }
        }
        if (sums == null) {
            throw new IllegalArgumentException("Invalid rows: none");
        }
        return sums;
    }

    private static double[] add(double[] sums, NDArray[] values) {
        double[] out = sums == null ? new double[values.length] : sums;
        for (int i = 0; i < values.length; i++) {
            out[i] += values[i].toType(DataType.FLOAT64, false).getDouble();
        }
        return out;
    }
}
