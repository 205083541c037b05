package dev.ssb.worker.distill;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.ssb.worker.api.AdamW;
import dev.ssb.worker.api.AdamWConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * The update of {@link AdamW} (same formula, same clipping, same schedule) on device arrays, for
 * full-parameter training where copying every weight to the JVM each step would dominate. Moments
 * live in this optimizer's own manager; parameters are updated in place.
 */
final class DeviceAdamW implements AutoCloseable {

    private final AdamWConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> exp = new HashMap<>();
    private final Map<String, NDArray> expSq = new HashMap<>();
    private long step;
    private double lastLr = Double.NaN;

    DeviceAdamW(AdamWConfig config, NDManager parent) {
        this.config = requireNonNull(config, "config is null");
        this.manager = parent.newSubManager();
    }

    long stepCount() {
        return step;
    }

    double lastLr() {
        return lastLr;
    }

    /**
     * Clips the global gradient norm and updates {@code params} in place (outside any gradient
     * collector).
     *
     * @param grads mean gradients, same keys and shapes as params; not modified
     * @return the global gradient norm before clipping
     */
    double step(Map<String, NDArray> params, Map<String, NDArray> grads) {
        if (!params.keySet().equals(grads.keySet())) {
            throw new IllegalArgumentException(
                    "Cannot step: parameters "
                            + params.keySet()
                            + " but gradients for "
                            + grads.keySet());
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            double sumSq = 0;
            for (NDArray g : grads.values()) {
                sumSq +=
                        g.square()
                                .sum()
                                .toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                                .getDouble();
            }
            double norm = Math.sqrt(sumSq);
            if (!Double.isFinite(norm)) {
                throw new IllegalArgumentException("Cannot step: gradient norm is " + norm);
            }
            double clip = config.maxGradNorm() / (norm + 1e-6);
            double scale = clip < 1.0 ? clip : 1.0;

            step++;
            double lr = config.lrAt(step - 1);
            lastLr = lr;
            double b1 = config.beta1();
            double b2 = config.beta2();
            double stepSize = lr / (1.0 - Math.pow(b1, step));
            double bc2Sqrt = Math.sqrt(1.0 - Math.pow(b2, step));
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray p = e.getValue();
                NDArray g = grads.get(e.getKey()).mul(scale);
                NDArray m = exp.computeIfAbsent(e.getKey(), k -> moment(p));
                NDArray v = expSq.computeIfAbsent(e.getKey(), k -> moment(p));
                m.muli(b1).addi(g.mul(1 - b1));
                v.muli(b2).addi(g.square().muli(1 - b2));
                NDArray denom = v.sqrt().divi(bc2Sqrt).addi(config.eps());
                p.muli(1 - lr * config.weightDecay()).subi(m.div(denom).muli(stepSize));
            }
            return norm;
        }
    }

    private NDArray moment(NDArray like) {
        NDArray z = manager.zeros(like.getShape(), like.getDataType());
        NDScope.unregister(z);
        return z;
    }

    @Override
    public void close() {
        manager.close();
    }
}
