package dev.ssb.table;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-writer lease of a run folder: {@code <run>/_ssb_lock.json} names the owner (user and
 * process id), host and start time. It is created atomically (create-if-absent, on HDFS and local
 * file systems alike); while held, a heartbeat renews its modification time every {@code staleAfter
 * / 4}. A second writer fails naming the owner; a lease not renewed for {@code staleAfter} (its
 * writer died) is taken over. Nested acquisitions in one JVM share the lease (a stage that runs
 * another stage).
 */
public final class RunLock implements AutoCloseable {

    public static final String FILE = "_ssb_lock.json";

    /** How long a lease lives without a heartbeat before another writer may take it over. */
    public static final Duration STALE_AFTER = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Path, RunLock> HELD = new HashMap<>(); // guarded by itself

    private final Path file;
    private final FileSystem fs;
    private final ScheduledExecutorService heartbeat;
    private int holds = 1; // guarded by HELD

    private RunLock(Path file, FileSystem fs, Duration staleAfter) {
        this.file = file;
        this.fs = fs;
        long every = Math.max(1, staleAfter.toMillis() / 4);
        this.heartbeat =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "ssb-run-lock " + file.getParent().getName());
                            t.setDaemon(true);
                            return t;
                        });
        heartbeat.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /** Acquires the lease of {@code runDir} with the default {@link #STALE_AFTER}. */
    public static RunLock acquire(Path runDir, Configuration hadoop, String purpose) {
        return acquire(runDir, hadoop, purpose, STALE_AFTER);
    }

    /**
     * Acquires the lease of {@code runDir}.
     *
     * @throws IllegalStateException naming the owner, host and start time when another writer holds
     *     a live lease
     */
    public static RunLock acquire(
            Path runDir, Configuration hadoop, String purpose, Duration staleAfter) {
        requireNonNull(runDir, "runDir is null");
        Path file = new Path(runDir, FILE);
        synchronized (HELD) {
            Path key = RunLayout.fs(file, hadoop).makeQualified(file);
            RunLock held = HELD.get(key);
            if (held != null) {
                held.holds++;
                return held;
            }
            FileSystem fs = RunLayout.fs(file, hadoop);
            try {
                create(fs, file, purpose);
            } catch (FileAlreadyExistsException e) {
                takeOverIfStale(fs, file, purpose, staleAfter);
            } catch (IOException e) {
                if (!existsQuietly(fs, file)) {
                    throw new UncheckedIOException("Cannot create lock " + file, e);
                }
                takeOverIfStale(fs, file, purpose, staleAfter);
            }
            RunLock lock = new RunLock(file, fs, staleAfter);
            HELD.put(key, lock);
            return lock;
        }
    }

    private static void takeOverIfStale(
            FileSystem fs, Path file, String purpose, Duration staleAfter) {
        try {
            FileStatus status = fs.getFileStatus(file);
            Duration age =
                    Duration.ofMillis(System.currentTimeMillis() - status.getModificationTime());
            String owner = describe(fs, file);
            boolean deadHere = deadProcessOnThisHost(fs, file);
            if (age.compareTo(staleAfter) < 0 && !deadHere) {
                throw new IllegalStateException(
                        "Cannot write run "
                                + file.getParent()
                                + ": it is being written by "
                                + owner
                                + " (lease "
                                + file
                                + ", renewed "
                                + age.toSeconds()
                                + " s ago; a lease not renewed for "
                                + staleAfter.toMinutes()
                                + " min is taken over, or delete the file once that writer is gone)");
            }
            LOG.warn(
                    "Taking over the stale lease {} of {} (not renewed for {} s{})",
                    file,
                    owner,
                    age.toSeconds(),
                    deadHere ? ", its process is gone" : "");
            fs.delete(file, false);
            create(fs, file, purpose);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot take over lock " + file, e);
        }
    }

    private static void create(FileSystem fs, Path file, String purpose) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put(
                "owner", System.getProperty("user.name") + " pid " + ProcessHandle.current().pid());
        root.put("host", host());
        root.put("pid", ProcessHandle.current().pid());
        root.put("started", Instant.now().toString());
        root.put("purpose", purpose);
        try (OutputStream out = fs.create(file, false)) {
            out.write(JSON.writeValueAsBytes(root));
        }
    }

    /** "owner on host since started (purpose)" from the lease file, for messages. */
    static String describe(FileSystem fs, Path file) {
        try (var in = fs.open(file)) {
            JsonNode n = JSON.readTree(in.readAllBytes());
            return n.path("owner").asText("?")
                    + " on "
                    + n.path("host").asText("?")
                    + " since "
                    + n.path("started").asText("?")
                    + " ("
                    + n.path("purpose").asText("?")
                    + ")";
        } catch (IOException | RuntimeException e) {
            return "an unknown writer (unreadable lease: " + e.getMessage() + ")";
        }
    }

    /** A lease of a process on this host that no longer runs can be taken over at once. */
    private static boolean deadProcessOnThisHost(FileSystem fs, Path file) {
        try (var in = fs.open(file)) {
            JsonNode n = JSON.readTree(in.readAllBytes());
            if (!n.path("host").asText("").equals(host()) || !n.path("pid").canConvertToLong()) {
                return false;
            }
            long pid = n.path("pid").asLong();
            return pid != ProcessHandle.current().pid()
                    && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void renew() {
        try {
            fs.setTimes(file, System.currentTimeMillis(), -1);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot renew the lease {}: {}", file, e.toString());
        }
    }

    /** Releases one hold; the last one stops the heartbeat and deletes the lease file. */
    @Override
    public void close() {
        synchronized (HELD) {
            if (--holds > 0) {
                return;
            }
            HELD.values().remove(this);
        }
        heartbeat.shutdownNow();
        try {
            fs.delete(file, false);
        } catch (IOException e) {
            LOG.warn("Cannot delete the lease {}: {}", file, e.toString());
        }
    }

    private static boolean existsQuietly(FileSystem fs, Path file) {
        try {
            return fs.exists(file);
        } catch (IOException e) {
            return false;
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
