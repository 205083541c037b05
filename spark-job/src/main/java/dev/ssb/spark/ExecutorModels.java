package dev.ssb.spark;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.ModelWorker;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.spark.SparkEnv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models of this JVM (a Spark executor, or the driver in local mode), loaded lazily through
 * {@link ModelWorker#load} and kept for the life of the JVM, per (checkpoint, device). A model is
 * not thread-safe: a task holds one replica for the duration of its work. By default there is one
 * replica, so the tasks of an executor take turns on it; with {@value #REPLICAS_CONF} = N up to N
 * tasks decode at once on their own replicas (on CPU, with {@code ai.djl.pytorch.num_threads} about
 * cores / N), at N times the model memory.
 */
public final class ExecutorModels {

    /** Spark configuration key: models per (checkpoint, device) in each executor JVM. */
    public static final String REPLICAS_CONF = "spark.ssb.model.replicas";

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);

    /** The cache key. */
    record Key(String checkpoint, Device device) {
        Key {
            requireNonNull(checkpoint, "checkpoint is null");
            requireNonNull(device, "device is null");
        }
    }

    /** The replicas of one key: loaded on demand up to {@code limit}, handed out one per task. */
    private static final class Pool {
        final List<LanguageModel> all = new ArrayList<>();
        final Deque<LanguageModel> free = new ArrayDeque<>();
        int loading;
    }

    private static final Map<Key, Pool> MODELS = new HashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();
    private static boolean closing; // guarded by MODELS

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(ExecutorModels::closeAll, "ssb-models-close"));
    }

    private ExecutorModels() {}

    /**
     * Runs {@code work} on a replica of this JVM's model for {@code checkpoint} on {@code device},
     * loading it on first use; while every replica is busy, callers wait.
     */
    public static <T> T withModel(
            String checkpoint, Device device, Function<LanguageModel, T> work) {
        return withModel(new Key(checkpoint, device), replicas(), work);
    }

    /** As above, with at most {@code limit} replicas of {@code key}. */
    static <T> T withModel(Key key, int limit, Function<LanguageModel, T> work) {
        LanguageModel model = acquire(key, limit);
        try {
            return work.apply(model);
        } finally {
            release(key, model);
        }
    }

    /** {@value #REPLICAS_CONF} of this JVM's Spark configuration; 1 outside Spark. */
    static int replicas() {
        SparkEnv env = SparkEnv.get();
        int n = env == null ? 1 : env.conf().getInt(REPLICAS_CONF, 1);
        if (n < 1) {
            throw new IllegalArgumentException(
                    "Invalid " + REPLICAS_CONF + ": " + n + " (must be >= 1)");
        }
        return n;
    }

    private static LanguageModel acquire(Key key, int limit) {
        Pool pool;
        int replica;
        synchronized (MODELS) {
            while (closing) {
                await(key);
            }
            pool = MODELS.computeIfAbsent(key, k -> new Pool());
            while (true) {
                LanguageModel ready = pool.free.pollFirst();
                if (ready != null) {
                    return ready;
                }
                if (pool.all.size() + pool.loading < limit) {
                    pool.loading++;
                    replica = pool.all.size() + pool.loading;
                    break;
                }
                await(key);
            }
        }
        long t0 = System.nanoTime();
        LanguageModel model = null;
        try {
            model = ModelWorker.load(CheckpointCache.localPath(key.checkpoint()), key.device());
            LOADS.incrementAndGet();
            LOG.info(
                    "Loaded model {} on {} in {} ms (replica {} of at most {})",
                    key.checkpoint(),
                    key.device(),
                    (System.nanoTime() - t0) / 1_000_000,
                    replica,
                    limit);
            return model;
        } finally {
            synchronized (MODELS) {
                pool.loading--;
                if (model != null) {
                    pool.all.add(model);
                }
                MODELS.notifyAll();
            }
        }
    }

    private static void await(Key key) {
        try {
            MODELS.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted waiting for model " + key, e);
        }
    }

    private static void release(Key key, LanguageModel model) {
        synchronized (MODELS) {
            Pool pool = MODELS.get(key);
            if (pool != null && pool.all.contains(model)) {
                pool.free.addFirst(model);
            }
            MODELS.notifyAll();
        }
    }

    /** How many models this JVM has loaded (for tests and metrics). */
    public static int loads() {
        return LOADS.get();
    }

    /**
     * Closes and forgets every model (tests; the JVM shutdown hook), after the tasks that hold one
     * have finished with it.
     */
    public static void closeAll() {
        synchronized (MODELS) {
            closing = true; // new callers wait until the models are closed
            while (MODELS.values().stream()
                    .anyMatch(p -> p.loading > 0 || p.free.size() < p.all.size())) {
                try {
                    MODELS.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            for (Map.Entry<Key, Pool> e : MODELS.entrySet()) {
                for (LanguageModel model : e.getValue().all) {
                    try {
                        model.close();
                    } catch (RuntimeException ex) {
                        LOG.warn("Cannot close model {}: {}", e.getKey(), ex.toString());
                    }
                }
            }
            MODELS.clear();
            closing = false;
            MODELS.notifyAll();
        }
    }
}
