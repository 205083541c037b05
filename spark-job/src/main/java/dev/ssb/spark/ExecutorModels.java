package dev.ssb.spark;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.ModelWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.SparkEnv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models of this JVM (a Spark executor, or the driver in local mode), loaded lazily through
 * {@link ModelWorker#load} per (checkpoint, device, adapter) and kept while they are used: a
 * student's replica has its adapter applied once, at load, so evaluate never re-merges LoRA weights
 * per batch (at 3B that is ~5.5 GB of copies) and base-model stages never see an adapter. A model
 * is not thread-safe: a task holds one replica for the duration of its work. By default there is
 * one replica per key, so the tasks of an executor take turns on it; with {@value #REPLICAS_CONF} =
 * N up to N tasks decode at once on their own replicas (on CPU, with {@code
 * ai.djl.pytorch.num_threads} about cores / N), at N times the model memory.
 *
 * <p>The cache is bounded: at most {@value #CACHE_CONF} models (all keys and replicas together,
 * default {@value #CACHE_DEFAULT}) live in the JVM; to load another, the least recently used idle
 * model is closed first, and while every model is busy the caller waits. A replica whose task threw
 * is closed, not handed out again (its state may be broken: an adapter half set, a device error);
 * the next task loads a fresh one. {@link #closeAll(Duration)} waits a bounded time for running
 * tasks.
 */
public final class ExecutorModels {

    /** Spark configuration key: models per (checkpoint, device) in each executor JVM. */
    public static final String REPLICAS_CONF = "spark.ssb.model.replicas";

    /** Spark configuration key: models of all keys kept in each executor JVM. */
    public static final String CACHE_CONF = "spark.ssb.model.cache";

    static final int CACHE_DEFAULT = 2;

    /** How long the JVM's shutdown waits for tasks still holding a model. */
    static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);

    /**
     * The cache key: a replica of {@code checkpoint} on {@code device} with the adapter whose hash
     * is {@code adapter} applied once, when loaded ("" = the base model, never an adapter).
     */
    record Key(String checkpoint, Device device, String adapter) {
        Key {
            requireNonNull(checkpoint, "checkpoint is null");
            requireNonNull(device, "device is null");
            requireNonNull(adapter, "adapter is null");
        }

        Key(String checkpoint, Device device) {
            this(checkpoint, device, "");
        }
    }

    /** A loaded model; {@code busy} and {@code lastUsed} guarded by {@link #LOCK}. */
    private static final class Entry {
        final Key key;
        final LanguageModel model;
        boolean busy = true;
        long lastUsed;

        Entry(Key key, LanguageModel model) {
            this.key = key;
            this.model = model;
        }
    }

    private static final Object LOCK = new Object();
    private static final List<Entry> ENTRIES = new ArrayList<>(); // guarded by LOCK
    private static final List<Key> LOADING = new ArrayList<>(); // guarded by LOCK
    private static long clock; // guarded by LOCK
    private static boolean closing; // guarded by LOCK
    private static final AtomicInteger LOADS = new AtomicInteger();
    private static final AtomicInteger CLOSED = new AtomicInteger();
    private static final AtomicInteger ADAPTERS_APPLIED = new AtomicInteger();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> closeAll(SHUTDOWN_WAIT), "ssb-models-close"));
    }

    private ExecutorModels() {}

    /**
     * Runs {@code work} on a replica of this JVM's model for {@code checkpoint} on {@code device},
     * loading it on first use; while every replica is busy, callers wait.
     */
    public static <T> T withModel(
            String checkpoint, Device device, Function<LanguageModel, T> work) {
        return withReplica(new Key(checkpoint, device), null, replicas(), cacheSize(), work);
    }

    /**
     * Runs {@code work} on a replica of {@code checkpoint} that has the adapter with hash {@code
     * adapterHash} applied: {@code adapter} is read and applied (its LoRA weights merged) once per
     * replica, when the replica is loaded, and stays applied for the replica's life. Base-model
     * callers never get such a replica, so nobody swaps adapters per batch; {@code work} must not
     * change the adapter.
     */
    public static <T> T withModel(
            String checkpoint,
            Device device,
            String adapterHash,
            Supplier<LoraAdapter> adapter,
            Function<LanguageModel, T> work) {
        requireNonNull(adapter, "adapter is null");
        if (adapterHash.isEmpty()) {
            throw new IllegalArgumentException("Invalid adapter hash: empty");
        }
        return withReplica(
                new Key(checkpoint, device, adapterHash), adapter, replicas(), cacheSize(), work);
    }

    /** As above, with at most {@code limit} replicas of {@code key} and the configured cache. */
    static <T> T withModel(Key key, int limit, Function<LanguageModel, T> work) {
        return withReplica(key, null, limit, cacheSize(), work);
    }

    /** As above, with at most {@code cache} models in the JVM. */
    static <T> T withModel(Key key, int limit, int cache, Function<LanguageModel, T> work) {
        return withReplica(key, null, limit, cache, work);
    }

    /** Runs {@code work} on a replica of {@code key}, with {@code adapter} when the key has one. */
    private static <T> T withReplica(
            Key key,
            Supplier<LoraAdapter> adapter,
            int limit,
            int cache,
            Function<LanguageModel, T> work) {
        if (key.adapter().isEmpty() != (adapter == null)) {
            throw new IllegalArgumentException("Invalid key " + key + ": adapter " + adapter);
        }
        Entry entry = acquire(key, limit, cache, adapter);
        boolean ok = false;
        try {
            T result = work.apply(entry.model);
            ok = true;
            return result;
        } finally {
            release(entry, ok);
        }
    }

    /** {@value #REPLICAS_CONF} of this JVM's Spark configuration; 1 outside Spark. */
    static int replicas() {
        return positive(REPLICAS_CONF, 1);
    }

    /** {@value #CACHE_CONF} of this JVM's Spark configuration; {@value #CACHE_DEFAULT} outside. */
    static int cacheSize() {
        return positive(CACHE_CONF, CACHE_DEFAULT);
    }

    private static int positive(String key, int fallback) {
        SparkEnv env = SparkEnv.get();
        int n = env == null ? fallback : env.conf().getInt(key, fallback);
        if (n < 1) {
            throw new IllegalArgumentException("Invalid " + key + ": " + n + " (must be >= 1)");
        }
        return n;
    }

    /**
     * The one place a model is read from its checkpoint: {@link ModelWorker#load}, timed and
     * counted.
     */
    private static LanguageModel load(Key key, Supplier<LoraAdapter> adapter) {
        long t0 = System.nanoTime();
        LanguageModel model =
                ModelWorker.load(CheckpointCache.localPath(key.checkpoint()), key.device());
        LOADS.incrementAndGet();
        if (adapter != null) {
            try {
                model.setAdapter(adapter.get());
                ADAPTERS_APPLIED.incrementAndGet();
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }
        LOG.info(
                "Loaded model {} on {}{} in {} ms",
                key.checkpoint(),
                key.device(),
                adapter == null ? "" : " with adapter " + key.adapter(),
                (System.nanoTime() - t0) / 1_000_000);
        return model;
    }

    private static Entry acquire(Key key, int limit, int cache, Supplier<LoraAdapter> adapter) {
        Entry victim = null;
        synchronized (LOCK) {
            while (true) {
                if (!closing) {
                    Entry idle =
                            ENTRIES.stream()
                                    .filter(e -> !e.busy && e.key.equals(key))
                                    .max(Comparator.comparingLong(e -> e.lastUsed))
                                    .orElse(null);
                    if (idle != null) {
                        idle.busy = true;
                        return idle;
                    }
                    long mine =
                            ENTRIES.stream().filter(e -> e.key.equals(key)).count()
                                    + LOADING.stream().filter(key::equals).count();
                    if (mine < limit) {
                        if (ENTRIES.size() + LOADING.size() < cache) {
                            break;
                        }
                        victim =
                                ENTRIES.stream()
                                        .filter(e -> !e.busy)
                                        .min(Comparator.comparingLong(e -> e.lastUsed))
                                        .orElse(null);
                        if (victim != null) {
                            ENTRIES.remove(victim);
                            break;
                        }
                    }
                }
                await(key);
            }
            LOADING.add(key);
        }
        if (victim != null) {
            LOG.info(
                    "Closing model {} on {} (least recently used) to load {}: {} models at most"
                            + " ({})",
                    victim.key.checkpoint(),
                    victim.key.device(),
                    key.checkpoint(),
                    cache,
                    CACHE_CONF);
            close(victim);
        }
        Entry loaded = null;
        try {
            loaded = new Entry(key, load(key, adapter));
            return loaded;
        } finally {
            synchronized (LOCK) {
                LOADING.remove(key);
                if (loaded != null) {
                    ENTRIES.add(loaded);
                }
                LOCK.notifyAll();
            }
        }
    }

    private static void await(Key key) {
        try {
            LOCK.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted waiting for model " + key, e);
        }
    }

    /** Hands a replica back, or closes it when its task threw. */
    private static void release(Entry entry, boolean ok) {
        boolean drop;
        synchronized (LOCK) {
            drop = !ok && ENTRIES.remove(entry);
            entry.busy = false;
            entry.lastUsed = ++clock;
            LOCK.notifyAll();
        }
        if (drop) {
            LOG.warn(
                    "Closing model {} on {}: its task failed; the next task loads a fresh one",
                    entry.key.checkpoint(),
                    entry.key.device());
            close(entry);
        }
    }

    private static void close(Entry entry) {
        try {
            entry.model.close();
            CLOSED.incrementAndGet();
        } catch (RuntimeException e) {
            LOG.warn("Cannot close model {}: {}", entry.key, e.toString());
        }
    }

    /** How many models this JVM has loaded (for tests and metrics). */
    public static int loads() {
        return LOADS.get();
    }

    /**
     * How many times this JVM applied an adapter to a replica (each merges its LoRA weights once):
     * one per adapter and replica, however many batches run on it.
     */
    public static int adaptersApplied() {
        return ADAPTERS_APPLIED.get();
    }

    /** How many models this JVM has closed (evicted, failed or shut down). */
    static int closed() {
        return CLOSED.get();
    }

    /** How many models are loaded now. */
    static int size() {
        synchronized (LOCK) {
            return ENTRIES.size();
        }
    }

    /** Closes and forgets every model (tests), after the tasks holding one have finished. */
    public static void closeAll() {
        closeAll(Duration.ofDays(1));
    }

    /**
     * Closes and forgets every model once no task holds one, waiting at most {@code wait}; models
     * still held then are left open (closing one under a running task could crash the JVM) and
     * logged.
     *
     * @return how many models were left open
     */
    static int closeAll(Duration wait) {
        List<Entry> idle = new ArrayList<>();
        int left;
        synchronized (LOCK) {
            closing = true; // new callers wait until the models are closed
            long deadline = System.nanoTime() + wait.toNanos();
            try {
                while (!LOADING.isEmpty() || ENTRIES.stream().anyMatch(e -> e.busy)) {
                    long ms = (deadline - System.nanoTime()) / 1_000_000;
                    if (ms <= 0) {
                        break;
                    }
                    try {
                        LOCK.wait(ms);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                for (Entry e : List.copyOf(ENTRIES)) {
                    if (!e.busy) {
                        ENTRIES.remove(e);
                        idle.add(e);
                    }
                }
                left = ENTRIES.size();
            } finally {
                closing = false;
                LOCK.notifyAll();
            }
        }
        if (left > 0) {
            LOG.warn(
                    "{} model(s) still in use after waiting {} s: left open",
                    left,
                    wait.toSeconds());
        }
        idle.forEach(ExecutorModels::close);
        return left;
    }
}
