package dev.ssb.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The one completeness check of a table folder, used by the stages, {@code --dry-run} and {@code
 * ssb sql}: a readable manifest, and every data file it lists present with its listed size (a
 * truncated or missing part file makes the table incomplete, named in the reason).
 */
public final class TableFiles {

    private TableFiles() {}

    /**
     * The data files under {@code dir} with their sizes: every file, at any depth, whose path has
     * no component starting with {@code _} or {@code .} (manifests, Spark's markers, checksums).
     */
    public static SortedMap<String, Long> list(Path dir, Configuration hadoop) {
        SortedMap<String, Long> files = new TreeMap<>();
        visit(dir, hadoop, (relative, f) -> files.put(relative, f.getLen()));
        return files;
    }

    /**
     * Calls {@code visitor} with every file at any depth under {@code path} (or {@code path} itself
     * when it is a file, relative name "") whose relative path has no component starting with
     * {@code _} or {@code .}; nothing when {@code path} does not exist.
     */
    static void visit(Path path, Configuration hadoop, BiConsumer<String, FileStatus> visitor) {
        FileSystem fs = RunLayout.fs(path, hadoop);
        try {
            if (!fs.exists(path)) {
                return;
            }
            Path root = fs.makeQualified(path);
            String prefix = root.toUri().getPath() + "/";
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
            while (it.hasNext()) {
                FileStatus f = it.next();
                String full = f.getPath().toUri().getPath();
                String relative = full.startsWith(prefix) ? full.substring(prefix.length()) : "";
                if (!hidden(relative)) {
                    visitor.accept(relative, f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + path, e);
        }
    }

    /**
     * Why the table at {@code dir} is not complete, or empty when it is.
     *
     * @return e.g. "part-00000.parquet is 120 bytes, its manifest says 4711"
     */
    public static Optional<String> incompleteReason(Path dir, Configuration hadoop) {
        Path manifestPath = new Path(dir, RunLayout.MANIFEST);
        FileSystem fs = RunLayout.fs(dir, hadoop);
        Manifest manifest;
        try {
            if (!fs.exists(manifestPath)) {
                return Optional.of(
                        "no " + RunLayout.MANIFEST + " (never committed, or a crashed write)");
            }
            try (var in = fs.open(manifestPath)) {
                manifest = Manifest.fromJson(in.readAllBytes());
            }
        } catch (IOException | IllegalArgumentException e) {
            return Optional.of("unreadable " + RunLayout.MANIFEST + ": " + e.getMessage());
        }
        SortedMap<String, Long> present = list(dir, hadoop);
        for (Map.Entry<String, Long> f : manifest.files().entrySet()) {
            Long size = present.get(f.getKey());
            if (size == null) {
                return Optional.of(f.getKey() + " is missing (listed in its manifest)");
            }
            if (size.longValue() != f.getValue()) {
                return Optional.of(
                        f.getKey()
                                + " is "
                                + size
                                + " bytes, its manifest says "
                                + f.getValue()
                                + " (truncated or replaced)");
            }
        }
        return Optional.empty();
    }

    private static boolean hidden(String relative) {
        if (relative.isEmpty()) {
            return false;
        }
        for (String part : relative.split("/")) {
            if (part.startsWith("_") || part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
