package dev.ssb.worker.distill;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import java.util.Collection;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Serializes autograd in this JVM: DJL's PyTorch engine allows only one open {@link
 * GradientCollector} per process (a static flag), so two Spark tasks training on one executor must
 * take turns.
 */
final class Autograd {

    private static final ReentrantLock LOCK = new ReentrantLock();

    private Autograd() {}

    /**
     * Runs {@code loss} with a gradient collector open and back-propagates its result; gradients of
     * {@code params} are zeroed first so they hold this call's gradient only.
     *
     * @param loss builds the scalar to differentiate; runs under the lock with grad mode on
     * @return the scalar that was back-propagated
     */
    static NDArray backward(Collection<NDArray> params, Supplier<NDArray> loss) {
        return collect(
                params,
                collector -> {
                    NDArray value = loss.get();
                    collector.backward(value);
                    return value;
                });
    }

    /**
     * Runs {@code body} with a gradient collector open, after zeroing the gradients of {@code
     * params}; {@code body} may back-propagate several times, gradients add up.
     *
     * @return what {@code body} returned
     */
    static <T> T collect(Collection<NDArray> params, Function<GradientCollector, T> body) {
        LOCK.lock();
        try {
            for (NDArray p : params) {
                p.setRequiresGradient(true);
                zeroGradient(p);
            }
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                return body.apply(collector);
            }
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * Sets the accumulated gradient of {@code p} to zero (PyTorch adds into {@code .grad}). It is
     * overwritten, not subtracted from itself, so a NaN or infinite gradient of an earlier call
     * does not stay.
     */
    static void zeroGradient(NDArray p) {
        try (NDManager tmp = p.getManager().newSubManager()) {
            NDArray g = p.getGradient();
            g.attach(tmp); // with the value array DJL's indexer creates, freed on return
            g.set(new NDIndex("..."), 0f);
        }
    }
}
