package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * AdamW over named float32 tensors in JVM memory, with exactly PyTorch's {@code torch.optim.AdamW}
 * update (decoupled weight decay, bias correction, eps outside the square root) preceded by {@code
 * clip_grad_norm_} over all gradients together. Pure Java: it runs on the Spark driver, which owns
 * the LoRA weights. Not thread-safe.
 *
 * <p>One update with learning rate {@code lr_t} from the schedule and clipped gradient {@code g}:
 *
 * <pre>
 * p ← p · (1 − lr_t · wd)
 * m ← β1 · m + (1 − β1) · g
 * v ← β2 · v + (1 − β2) · g²
 * p ← p − (lr_t / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps)
 * </pre>
 */
public final class AdamW {

    private final AdamWConfig config;
    private final Map<String, float[]> exp = new TreeMap<>();
    private final Map<String, float[]> expSq = new TreeMap<>();
    private final Map<String, long[]> shapes = new TreeMap<>();
    private long step;
    private double lastLr = Double.NaN;

    public AdamW(AdamWConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    /**
     * The optimizer's state for checkpoints.
     *
     * @param step updates taken so far
     * @param expAvg first moments by parameter name
     * @param expAvgSq second moments by parameter name
     */
    public record State(
            long step, Map<String, HostTensor> expAvg, Map<String, HostTensor> expAvgSq) {
        public State {
            expAvg = Map.copyOf(requireNonNull(expAvg, "expAvg is null"));
            expAvgSq = Map.copyOf(requireNonNull(expAvgSq, "expAvgSq is null"));
            if (step < 0) {
                throw new IllegalArgumentException("Invalid step: " + step + " (must be >= 0)");
            }
            if (!expAvg.keySet().equals(expAvgSq.keySet())) {
                throw new IllegalArgumentException(
                        "Invalid optimizer state: exp_avg keys "
                                + new TreeMap<>(expAvg).keySet()
                                + " differ from exp_avg_sq keys "
                                + new TreeMap<>(expAvgSq).keySet());
            }
        }
    }

    public AdamWConfig config() {
        return config;
    }

    /** Updates taken so far. */
    public long stepCount() {
        return step;
    }

    /** The learning rate used by the last update (NaN before the first). */
    public double lastLr() {
        return lastLr;
    }

    /**
     * Clips the gradients' global L2 norm to {@code maxGradNorm} (scale {@code max / (norm + 1e-6)}
     * when that is below 1, as PyTorch does) and applies one AdamW update to {@code params} in
     * place. {@code grads} are not modified.
     *
     * @param params parameters by name, updated in place
     * @param grads mean gradients by name: exactly the keys and shapes of params
     * @return the global gradient norm before clipping
     * @throws IllegalArgumentException when keys or shapes differ or a gradient is not finite
     */
    public double step(Map<String, HostTensor> params, Map<String, HostTensor> grads) {
        requireNonNull(params, "params is null");
        requireNonNull(grads, "grads is null");
        if (!params.keySet().equals(grads.keySet())) {
            throw new IllegalArgumentException(
                    "Cannot step: parameters "
                            + new TreeMap<>(params).keySet()
                            + " but gradients for "
                            + new TreeMap<>(grads).keySet());
        }
        double sumSq = 0;
        for (Map.Entry<String, HostTensor> e : grads.entrySet()) {
            HostTensor p = params.get(e.getKey());
            HostTensor g = e.getValue();
            if (!Arrays.equals(p.shape(), g.shape())) {
                throw new IllegalArgumentException(
                        String.format(
                                "Cannot step: gradient of %s has shape %s, parameter %s",
                                e.getKey(),
                                Arrays.toString(g.shape()),
                                Arrays.toString(p.shape())));
            }
            for (float x : g.data()) {
                sumSq += (double) x * x;
            }
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
        double decay = 1.0 - lr * config.weightDecay();
        double b1 = config.beta1();
        double b2 = config.beta2();
        double stepSize = lr / (1.0 - Math.pow(b1, step));
        double bc2Sqrt = Math.sqrt(1.0 - Math.pow(b2, step));
        for (Map.Entry<String, HostTensor> e : params.entrySet()) {
            String name = e.getKey();
            float[] p = e.getValue().data();
            float[] g = grads.get(name).data();
            float[] m = exp.computeIfAbsent(name, k -> new float[p.length]);
            float[] v = expSq.computeIfAbsent(name, k -> new float[p.length]);
            shapes.putIfAbsent(name, e.getValue().shape().clone());
            checkStateSize(name, m, p);
            for (int i = 0; i < p.length; i++) {
                double gi = g[i] * scale;
                double mi = b1 * m[i] + (1 - b1) * gi;
                double vi = b2 * v[i] + (1 - b2) * gi * gi;
                m[i] = (float) mi;
                v[i] = (float) vi;
                double denom = Math.sqrt(vi) / bc2Sqrt + config.eps();
                p[i] = (float) (p[i] * decay - stepSize * mi / denom);
            }
        }
        return norm;
    }

    private static void checkStateSize(String name, float[] state, float[] param) {
        if (state.length != param.length) {
            throw new IllegalArgumentException(
                    String.format(
                            "Cannot step: optimizer state of %s has %s values, parameter %s",
                            name, state.length, param.length));
        }
    }

    /** A deep copy of the state, for checkpoints. */
    public State exportState() {
        Map<String, HostTensor> m = new TreeMap<>();
        Map<String, HostTensor> v = new TreeMap<>();
        exp.forEach((k, a) -> m.put(k, new HostTensor(shapes.get(k).clone(), a.clone())));
        expSq.forEach((k, a) -> v.put(k, new HostTensor(shapes.get(k).clone(), a.clone())));
        return new State(step, m, v);
    }

    /** Replaces this optimizer's state by a deep copy of {@code state} (resume). */
    public void importState(State state) {
        requireNonNull(state, "state is null");
        exp.clear();
        expSq.clear();
        shapes.clear();
        state.expAvg().forEach((k, t) -> shapes.put(k, t.shape().clone()));
        state.expAvg().forEach((k, t) -> exp.put(k, t.data().clone()));
        state.expAvgSq().forEach((k, t) -> expSq.put(k, t.data().clone()));
        step = state.step();
        lastLr = Double.NaN;
    }
}
