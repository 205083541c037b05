package dev.ssb.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
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
        FileSystem fs = RunLayout.fs(dir, hadoop);
        try {
            if (!fs.exists(dir)) {
                return files;
            }
            Path root = fs.makeQualified(dir);
            String prefix = root.toUri().getPath() + "/";
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
            while (it.hasNext()) {
                FileStatus f = it.next();
                String relative = f.getPath().toUri().getPath().substring(prefix.length());
                if (!hidden(relative)) {
                    files.put(relative, f.getLen());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list table " + dir, e);
        }
        return files;
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
        for (String part : relative.split("/")) {
            if (part.startsWith("_") || part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
