package dev.ssb.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model checkpoints given as Hadoop URIs ({@code file://}, {@code hdfs://}, {@code s3a://}, ...),
 * staged once per host into a local folder that the runtime can memory-map. The folder is keyed by
 * the checkpoint's URI and every file's path, size and modification time, so a changed checkpoint
 * is fetched again; tasks of one JVM wait for one copy (a lock per key), and executors sharing a
 * host wait on a file lock. A local path or {@code embedded:} name is returned unchanged.
 *
 * <p>The cache root is {@code $SSB_CHECKPOINT_CACHE}, else {@code
 * ${java.io.tmpdir}/ssb-checkpoints}: give executors a local disk with room for one copy of the
 * model.
 */
public final class CheckpointCache {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointCache.class);
    private static final String COMPLETE = "_ssb_staged";
    private static final String CONFIG = "config.json";
    private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();
    private static final AtomicInteger COPIES = new AtomicInteger();

    private CheckpointCache() {}

    /** The local folder to load {@code checkpoint} from, staging it first when it is remote. */
    public static String localPath(String checkpoint) {
        if (!isHadoopUri(checkpoint)) {
            return checkpoint;
        }
        return stage(checkpoint, HadoopFiles.configuration(), root()).toString();
    }

    /**
     * Checks {@code checkpoint} the way {@link #localPath} and the runtime read it: a Hadoop URI
     * through Hadoop's file system (of this JVM's configuration), a plain path on the local disk;
     * either must be a folder holding {@value #CONFIG}. Runtime names like {@code embedded:toy} are
     * not checked here. Returns what was found, e.g. "a folder of 5 files".
     *
     * @throws IllegalArgumentException "Cannot load checkpoint C: not found | not a directory | no
     *     config.json"
     */
    public static String check(String checkpoint, Configuration hadoop) {
        if (isHadoopUri(checkpoint)) {
            org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(checkpoint);
            try {
                FileSystem fs = source.getFileSystem(hadoop);
                SortedMap<String, FileStatus> files = requireFolder(checkpoint, fs, source);
                return "a folder of " + files.size() + " files on " + fs.getScheme();
            } catch (java.io.FileNotFoundException e) {
                throw new IllegalArgumentException(
                        "Cannot load checkpoint " + checkpoint + ": not found", e);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read checkpoint " + checkpoint, e);
            }
        }
        Path dir = Path.of(checkpoint);
        if (!Files.exists(dir)) {
            throw new IllegalArgumentException(
                    "Cannot load checkpoint " + checkpoint + ": not found on the local disk");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "Cannot load checkpoint " + checkpoint + ": not a directory");
        }
        if (!Files.isRegularFile(dir.resolve(CONFIG))) {
            throw new IllegalArgumentException(
                    "Cannot load checkpoint " + checkpoint + ": no " + CONFIG);
        }
        return "a local folder (every executor host needs it at this path)";
    }

    /** Whether {@code checkpoint} is read through Hadoop; see {@link HadoopFiles#isUri}. */
    static boolean isHadoopUri(String checkpoint) {
        return HadoopFiles.isUri(checkpoint);
    }

    private static SortedMap<String, FileStatus> requireFolder(
            String checkpoint, FileSystem fs, org.apache.hadoop.fs.Path source) throws IOException {
        if (!fs.getFileStatus(source).isDirectory()) {
            throw new IllegalArgumentException(
                    "Cannot load checkpoint " + checkpoint + ": not a directory");
        }
        SortedMap<String, FileStatus> files = list(fs, source);
        if (!files.containsKey(CONFIG)) {
            throw new IllegalArgumentException(
                    "Cannot load checkpoint " + checkpoint + ": no " + CONFIG);
        }
        return files;
    }

    /** Stages {@code checkpoint} under {@code root}; see the class comment. */
    static Path stage(String checkpoint, Configuration hadoop, Path root) {
        org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(checkpoint);
        try {
            FileSystem fs = source.getFileSystem(hadoop);
            SortedMap<String, FileStatus> files = requireFolder(checkpoint, fs, source);
            String key = key(fs.makeQualified(source).toString(), files);
            // <root>/<key>/<name>: the folder keeps the checkpoint's name (the model id)
            Path target = root.resolve(key).resolve(safeName(source.getName()));
            synchronized (LOCKS.computeIfAbsent(key, k -> new Object())) {
                if (Files.exists(target.resolve(COMPLETE))) {
                    return target;
                }
                Files.createDirectories(target.getParent());
                try (FileChannel channel =
                                FileChannel.open(
                                        root.resolve(key + ".lock"),
                                        StandardOpenOption.CREATE,
                                        StandardOpenOption.WRITE);
                        FileLock lock = channel.lock()) { // other executors on this host wait
                    if (!Files.exists(target.resolve(COMPLETE))) {
                        copy(fs, source, files, target);
                    }
                }
                return target;
            }
        } catch (java.io.FileNotFoundException e) {
            throw new IllegalArgumentException(
                    "Cannot load checkpoint " + checkpoint + ": not found", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot stage checkpoint " + checkpoint, e);
        }
    }

    /** Number of checkpoints copied by this JVM (for tests and logs). */
    public static int copies() {
        return COPIES.get();
    }

    private static void copy(
            FileSystem fs,
            org.apache.hadoop.fs.Path source,
            SortedMap<String, FileStatus> files,
            Path target)
            throws IOException {
        long start = System.nanoTime();
        Path tmp = Files.createTempDirectory(target.getParent(), target.getFileName() + ".tmp-");
        long bytes = 0;
        for (Map.Entry<String, FileStatus> f : files.entrySet()) {
            Path out = tmp.resolve(f.getKey());
            Files.createDirectories(out.getParent());
            try (InputStream in = fs.open(f.getValue().getPath())) {
                Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            }
            bytes += f.getValue().getLen();
        }
        Files.writeString(tmp.resolve(COMPLETE), source.toString(), StandardCharsets.UTF_8);
        if (Files.exists(target)) { // an unfinished copy of a dead process
            try (var old = Files.walk(target)) {
                old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        COPIES.incrementAndGet();
        LOG.info(
                "Staged checkpoint {} ({} files, {} MB) into {} in {} ms",
                source,
                files.size(),
                bytes >> 20,
                target,
                (System.nanoTime() - start) / 1_000_000);
    }

    private static SortedMap<String, FileStatus> list(
            FileSystem fs, org.apache.hadoop.fs.Path source) throws IOException {
        SortedMap<String, FileStatus> files = new TreeMap<>();
        org.apache.hadoop.fs.Path root = fs.makeQualified(source);
        String prefix = root.toUri().getPath() + "/";
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
            LocatedFileStatus f = it.next();
            String relative = f.getPath().toUri().getPath().substring(prefix.length());
            if (!relative.startsWith(".") && !relative.contains("/.")) { // checksum files
                files.put(relative, f);
            }
        }
        return files;
    }

    private static String key(String uri, SortedMap<String, FileStatus> files) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update(uri.getBytes(StandardCharsets.UTF_8));
        files.forEach(
                (name, f) ->
                        sha.update(
                                ("\n" + name + " " + f.getLen() + " " + f.getModificationTime())
                                        .getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    private static String safeName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() ? "checkpoint" : s;
    }

    private static Path root() {
        String env = System.getenv("SSB_CHECKPOINT_CACHE");
        return env != null && !env.isBlank()
                ? Path.of(env)
                : Path.of(System.getProperty("java.io.tmpdir"), "ssb-checkpoints");
    }
}
