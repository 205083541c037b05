package dev.ssb.spark;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.ModelWorker;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models of this JVM (a Spark executor, or the driver in local mode), loaded lazily once per
 * (checkpoint, device, dtype) through {@link ModelWorker#load}. A model is not thread-safe, so
 * tasks that share one run on it one at a time.
 */
public final class ExecutorModels {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);

    /** The cache key. */
    record Key(String checkpoint, Device device) {
        Key {
            requireNonNull(checkpoint, "checkpoint is null");
            requireNonNull(device, "device is null");
        }
    }

    private static final class Slot {
        final LanguageModel model;

        Slot(LanguageModel model) {
            this.model = model;
        }
    }

    private static final Map<Key, Slot> MODELS = new HashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(ExecutorModels::closeAll, "ssb-models-close"));
    }

    private ExecutorModels() {}

    /**
     * Runs {@code work} on this JVM's model for {@code checkpoint} on {@code device}, loading it on
     * first use; callers of the same model are serialized.
     */
    public static <T> T withModel(
            String checkpoint, Device device, Function<LanguageModel, T> work) {
        Slot slot = slot(new Key(checkpoint, device));
        synchronized (slot) {
            return work.apply(slot.model);
        }
    }

    private static Slot slot(Key key) {
        synchronized (MODELS) {
            Slot slot = MODELS.get(key);
            if (slot == null) {
                long t0 = System.nanoTime();
                slot = new Slot(ModelWorker.load(key.checkpoint(), key.device()));
                LOADS.incrementAndGet();
                MODELS.put(key, slot);
                LOG.info(
                        "Loaded model {} on {} in {} ms",
                        key.checkpoint(),
                        key.device(),
                        (System.nanoTime() - t0) / 1_000_000);
            }
            return slot;
        }
    }

    /** How many models this JVM has loaded (for tests and metrics). */
    public static int loads() {
        return LOADS.get();
    }

    /** Closes and forgets every model (tests; the JVM shutdown hook). */
    public static void closeAll() {
        synchronized (MODELS) {
            for (Map.Entry<Key, Slot> e : MODELS.entrySet()) {
                synchronized (e.getValue()) {
                    try {
                        e.getValue().model.close();
                    } catch (RuntimeException ex) {
                        LOG.warn("Cannot close model {}: {}", e.getKey(), ex.toString());
                    }
                }
            }
            MODELS.clear();
        }
    }
}
