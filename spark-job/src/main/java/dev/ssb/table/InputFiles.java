package dev.ssb.table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The state of the files a stage reads from outside its run (ingest's dataset file or folder),
 * recorded in its manifests ({@link Manifest#inputFiles()}): each file's qualified path with its
 * length and modification time, as the file system reports them (HDFS, S3A and the local file
 * system all do, without reading the file). A complete stage whose input no longer matches is not
 * reused silently ({@link StageOutput#run}): editing, replacing or touching a dataset at the same
 * path makes the next run refuse with the file named, until {@code --force} or another run id.
 *
 * <p>Length and modification time, not a checksum of the contents: a dataset folder on HDFS or S3
 * can be gigabytes, and reading it on the driver at every run to decide that nothing changed would
 * cost more than most stages. The price is that touching an unchanged file counts as a change.
 */
public final class InputFiles {

    private InputFiles() {}

    /**
     * Every visible file of {@code input} (a file, or a folder at any depth without {@code _} and
     * {@code .} names) with its state, e.g. {@code "file:/data/train.jsonl" -> "7473 bytes,
     * modified 2026-12-05T21:30:00Z"}; empty when {@code input} does not exist.
     */
    public static SortedMap<String, String> of(String input, Configuration hadoop) {
        SortedMap<String, String> state = new TreeMap<>();
        TableFiles.visit(
                new Path(input),
                hadoop,
                (relative, f) ->
                        state.put(
                                f.getPath().toString(),
                                f.getLen()
                                        + " bytes, modified "
                                        + Instant.ofEpochMilli(f.getModificationTime())));
        return state;
    }

    /**
     * How {@code now} differs from {@code recorded}, one clause per changed, new or missing file,
     * or empty when they are the same. Nothing recorded (a manifest from before inputs were
     * recorded, or a stage without outside inputs) is never a change.
     */
    public static Optional<String> changes(
            SortedMap<String, String> recorded, SortedMap<String, String> now) {
        if (recorded.isEmpty()) {
            return Optional.empty();
        }
        List<String> changes = new ArrayList<>();
        recorded.forEach(
                (file, was) -> {
                    String is = now.get(file);
                    if (is == null) {
                        changes.add(file + " is gone (was " + was + ")");
                    } else if (!is.equals(was)) {
                        changes.add(file + " is " + is + " (was " + was + ")");
                    }
                });
        now.keySet().stream()
                .filter(file -> !recorded.containsKey(file))
                .forEach(file -> changes.add(file + " is new (" + now.get(file) + ")"));
        return changes.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", changes));
    }
}
