package dev.ssb.table;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a run's tables live: {@code <out>/<run-id>/<table>/}, with Parquet part files and the
 * table's manifest {@code _ssb_manifest.json} (ignored by Parquet readers because of its leading
 * underscore). A table is complete only when its manifest is present and readable and every data
 * file it lists has its listed size ({@link TableFiles}).
 *
 * @param out output root, a Hadoop path (local, hdfs://, s3a://)
 * @param runId run folder name
 */
public record RunLayout(String out, String runId) implements Serializable {

    public static final String MANIFEST = "_ssb_manifest.json";
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public RunLayout {
        requireNonNull(out, "out is null");
        requireNonNull(runId, "runId is null");
        if (out.isBlank()) {
            throw new IllegalArgumentException("Invalid out: empty");
        }
        if (!RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException(
                    "Invalid run_id: " + runId + " (must match " + RUN_ID.pattern() + ")");
        }
    }

    public Path runPath() {
        return new Path(out, runId);
    }

    public Path tablePath(String table) {
        return new Path(runPath(), table);
    }

    public Path manifestPath(String table) {
        return new Path(tablePath(table), MANIFEST);
    }

    /**
     * The table's committed manifest; empty when the table is not complete (see {@link
     * TableFiles#incompleteReason}: missing or unreadable manifest, missing or truncated file).
     */
    public Optional<Manifest> manifest(String table, Configuration hadoop) {
        Optional<String> reason = TableFiles.incompleteReason(tablePath(table), hadoop);
        if (reason.isPresent()) {
            return Optional.empty();
        }
        Path path = manifestPath(table);
        try {
            FileSystem fs = path.getFileSystem(hadoop);
            if (!fs.exists(path)) {
                return Optional.empty();
            }
            try (var in = fs.open(path)) {
                return Optional.of(Manifest.fromJson(in.readAllBytes()));
            }
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code table} is complete: a readable manifest and all its files at full size. */
    public boolean isComplete(String table, Configuration hadoop) {
        return TableFiles.incompleteReason(tablePath(table), hadoop).isEmpty();
    }

    /** Why {@code table} is incomplete, or empty when it is complete. */
    public Optional<String> incompleteReason(String table, Configuration hadoop) {
        return TableFiles.incompleteReason(tablePath(table), hadoop);
    }

    static FileSystem fs(Path path, Configuration hadoop) {
        try {
            return path.getFileSystem(hadoop);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open file system of " + path, e);
        }
    }
}
