package dev.ssb.table;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.spark.GpuAssignment;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit protocol of one stage and its output tables. {@link #run} holds the run's {@link
 * RunLock} (one writer per run folder); it moves the stage's manifests aside into {@code
 * <run>/_previous-<uuid>/<table>/} first (the live tables read as incomplete), {@link #writeTable}
 * writes each table to {@code <table>/_tmp-<uuid>}, moves the old data files aside beside their
 * manifest and moves the new files into place, and every manifest (listing its data files and
 * sizes) is written last (temp file + rename). Only then is the previous version deleted: when the
 * body fails, the previous tables are put back; when the process dies, the next run of the stage
 * puts back what it finds aside for a table left without a manifest. So {@code --force} never loses
 * a committed table to a failed rewrite.
 */
public final class StageOutput {

    private static final Logger LOG = LoggerFactory.getLogger(StageOutput.class);

    /** What a stage body reports once its tables are written. */
    public record Result(List<String> inputs, String modelId, Map<String, Long> counts) {
        public Result {
            inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
            requireNonNull(modelId, "modelId is null");
            counts =
                    java.util.Collections.unmodifiableMap(
                            new java.util.LinkedHashMap<>(
                                    requireNonNull(counts, "counts is null")));
        }
    }

    /** Writes the stage's tables through {@link StageOutput#writeTable}. */
    @FunctionalInterface
    public interface Body {
        Result write(StageOutput output);
    }

    /**
     * @param skipped true when the stage was already complete and nothing was done
     * @param manifest the manifest of the stage's first table
     */
    public record Outcome(boolean skipped, Manifest manifest) {}

    private final SparkSession spark;
    private final RunLayout layout;
    private final String stage;
    private final List<String> tables;
    private final Configuration hadoop;
    private Path previous; // set while run() executes its body

    public StageOutput(SparkSession spark, RunLayout layout, String stage, List<String> tables) {
        this.spark = requireNonNull(spark, "spark is null");
        this.layout = requireNonNull(layout, "layout is null");
        this.stage = requireNonNull(stage, "stage is null");
        this.tables = List.copyOf(requireNonNull(tables, "tables is null"));
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("Invalid stage " + stage + ": no tables");
        }
        this.hadoop = spark.sparkContext().hadoopConfiguration();
    }

    public RunLayout layout() {
        return layout;
    }

    /** Whether every table of the stage has a readable manifest. */
    public boolean isComplete() {
        return tables.stream().allMatch(t -> layout.isComplete(t, hadoop));
    }

    /**
     * Runs {@code body} unless the stage is complete. A complete stage is a no-op when its stage
     * config hash equals {@code stageHash}; with a different hash it is refused, since its tables
     * were made with other settings.
     *
     * @param force redo the stage even when complete
     */
    public Outcome run(SsbConfig config, String stageHash, boolean force, Body body) {
        return run(config, stageHash, new TreeMap<>(), force, body);
    }

    /**
     * As {@link #run(SsbConfig, String, boolean, Body)} for a stage that reads files from outside
     * the run: {@code inputFiles} ({@link InputFiles#of}) goes into its manifests, and a complete
     * stage whose recorded input files differ from them is refused instead of reused.
     */
    public Outcome run(
            SsbConfig config,
            String stageHash,
            SortedMap<String, String> inputFiles,
            boolean force,
            Body body) {
        try (RunLock lock = RunLock.acquire(layout.runPath(), hadoop, "stage " + stage)) {
            restoreLeftovers();
            return runLocked(config, stageHash, inputFiles, force, body);
        }
    }

    private Outcome runLocked(
            SsbConfig config,
            String stageHash,
            SortedMap<String, String> inputFiles,
            boolean force,
            Body body) {
        if (!force && isComplete()) {
            Manifest existing = layout.manifest(tables.get(0), hadoop).orElseThrow();
            if (!existing.stageConfigHash().equals(stageHash)) {
                throw new IllegalStateException(
                        String.format(
                                "Cannot reuse stage %s of run %s: it is complete with stage config"
                                        + " hash %s but the current one is %s (use --force or"
                                        + " another --run-id)",
                                stage, layout.runId(), existing.stageConfigHash(), stageHash));
            }
            Optional<String> changed = InputFiles.changes(existing.inputFiles(), inputFiles);
            if (changed.isPresent()) {
                throw new IllegalStateException(
                        String.format(
                                "Cannot reuse stage %s of run %s: its input changed since it was"
                                        + " committed %s: %s (use --force to redo it, or another"
                                        + " --run-id)",
                                stage, layout.runId(), existing.finishedAt(), changed.get()));
            }
            LOG.info(
                    "Stage {} of run {} is complete ({}); nothing to do (use --force to redo)",
                    stage,
                    layout.runId(),
                    existing.counts());
            return new Outcome(true, existing);
        }
        Instant start = Instant.now();
        previous = new Path(layout.runPath(), PREVIOUS_PREFIX + UUID.randomUUID());
        for (String table : tables) {
            // decommit before touching any data; kept aside until the new version commits
            moveAside(layout.manifestPath(table), new Path(aside(table), RunLayout.MANIFEST));
        }
        Result result;
        try {
            result = withFallback(config, () -> body.write(this));
        } catch (RuntimeException | Error e) {
            try {
                restore(previous);
            } catch (RuntimeException restoreFailure) {
                e.addSuppressed(restoreFailure);
            }
            previous = null;
            throw e;
        }
        Instant end = Instant.now();
        Manifest first = null;
        for (String table : tables) {
            Manifest m =
                    new Manifest(
                            stage,
                            table,
                            layout.runId(),
                            config.hash(),
                            stageHash,
                            result.modelId(),
                            result.inputs(),
                            result.counts(),
                            start.toString(),
                            end.toString(),
                            end.toEpochMilli() - start.toEpochMilli(),
                            config.values(),
                            TableFiles.list(layout.tablePath(table), hadoop),
                            inputFiles);
            writeManifest(table, m);
            first = first == null ? m : first;
        }
        deleteQuietly(previous); // committed: the previous version may go
        previous = null;
        LOG.info(
                "Stage {} of run {} committed in {} ms: {}",
                stage,
                layout.runId(),
                first.durationMs(),
                first.counts());
        return new Outcome(false, first);
    }

    /**
     * Writes {@code rows} as the Parquet table {@code table}, replacing any previous files.
     *
     * @return the number of rows written (read back from the Parquet footers)
     */
    public long writeTable(String table, Dataset<Row> rows) {
        if (!tables.contains(table)) {
            throw new IllegalArgumentException(
                    "Invalid table " + table + " for stage " + stage + " (has " + tables + ")");
        }
        Path dir = layout.tablePath(table);
        Path tmp = new Path(dir, "_tmp-" + UUID.randomUUID());
        rows.write().mode(SaveMode.ErrorIfExists).parquet(tmp.toString());
        FileSystem fs = RunLayout.fs(dir, hadoop);
        try {
            for (FileStatus old : fs.listStatus(dir)) {
                String name = old.getPath().getName();
                if (name.equals(tmp.getName())) {
                    continue;
                }
                if (previous != null && !name.startsWith("_") && !name.startsWith(".")) {
                    moveAside(old.getPath(), new Path(aside(table), name)); // kept until commit
                } else {
                    fs.delete(old.getPath(), true); // markers and leftovers of crashed writes
                }
            }
            for (FileStatus part : fs.listStatus(tmp)) {
                Path target = new Path(dir, part.getPath().getName());
                if (!fs.rename(part.getPath(), target)) {
                    throw new IOException("rename to " + target + " failed");
                }
            }
            fs.delete(tmp, true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write table " + dir, e);
        }
        return spark.read().parquet(dir.toString()).count();
    }

    static final String PREVIOUS_PREFIX = "_previous-";

    private Path aside(String table) {
        return new Path(previous, table);
    }

    private void moveAside(Path from, Path to) {
        FileSystem fs = RunLayout.fs(from, hadoop);
        try {
            if (fs.exists(from)) {
                fs.mkdirs(to.getParent());
                if (!fs.rename(from, to)) {
                    throw new IOException("rename to " + to + " failed");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot move " + from + " aside", e);
        }
    }

    /**
     * Puts back the tables of this stage found aside in {@code dir}: the new files of a table that
     * was being rewritten are deleted and the previous files and manifest moved back.
     */
    private void restore(Path dir) {
        FileSystem fs = RunLayout.fs(dir, hadoop);
        try {
            for (String table : tables) {
                Path kept = new Path(dir, table);
                if (!fs.exists(new Path(kept, RunLayout.MANIFEST))) {
                    continue;
                }
                Path live = layout.tablePath(table);
                if (fs.exists(layout.manifestPath(table))) {
                    continue; // committed after all: keep the new version
                }
                fs.mkdirs(live);
                FileStatus[] keptFiles = fs.listStatus(kept);
                if (keptFiles.length > 1) { // the data was replaced too: drop the new version
                    for (FileStatus f : fs.listStatus(live)) {
                        fs.delete(f.getPath(), true);
                    }
                }
                for (FileStatus f : keptFiles) {
                    Path target = new Path(live, f.getPath().getName());
                    fs.delete(target, true);
                    if (!fs.rename(f.getPath(), target)) {
                        throw new IOException("rename to " + target + " failed");
                    }
                }
                LOG.warn("Stage {}: restored the previous version of {}", stage, live);
            }
            fs.delete(dir, true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot restore the previous tables from " + dir, e);
        }
    }

    /** Restores what a writer that died mid-stage left aside (called under the run lock). */
    private void restoreLeftovers() {
        FileSystem fs = RunLayout.fs(layout.runPath(), hadoop);
        try {
            if (!fs.exists(layout.runPath())) {
                return;
            }
            for (FileStatus f :
                    fs.listStatus(layout.runPath(), p -> p.getName().startsWith(PREVIOUS_PREFIX))) {
                boolean mine =
                        tables.stream().anyMatch(t -> existsQuietly(new Path(f.getPath(), t)));
                if (mine) {
                    restore(f.getPath());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + layout.runPath(), e);
        }
    }

    private boolean existsQuietly(Path p) {
        try {
            return RunLayout.fs(p, hadoop).exists(p);
        } catch (IOException e) {
            return false;
        }
    }

    private void deleteQuietly(Path p) {
        try {
            RunLayout.fs(p, hadoop).delete(p, true);
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", p, e.toString());
        }
    }

    /** Runs {@code body} with {@code model.device_fallback} visible to the tasks it starts. */
    private Result withFallback(SsbConfig config, java.util.function.Supplier<Result> body) {
        org.apache.spark.SparkContext sc = spark.sparkContext();
        String before = sc.getLocalProperty(GpuAssignment.FALLBACK_PROPERTY);
        sc.setLocalProperty(
                GpuAssignment.FALLBACK_PROPERTY,
                config.string(SsbProperties.MODEL_DEVICE_FALLBACK));
        try {
            return body.get();
        } finally {
            sc.setLocalProperty(GpuAssignment.FALLBACK_PROPERTY, before);
        }
    }

    private void writeManifest(String table, Manifest manifest) {
        Path target = layout.manifestPath(table);
        Path tmp = new Path(target.getParent(), "_ssb_manifest-" + UUID.randomUUID() + ".tmp");
        FileSystem fs = RunLayout.fs(target, hadoop);
        try {
            try (OutputStream out = fs.create(tmp, false)) {
                out.write(manifest.toJson());
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("rename of " + tmp + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write manifest " + target, e);
        }
    }

    /** The committed manifest of one of this stage's tables. */
    public Optional<Manifest> manifest(String table) {
        return layout.manifest(table, hadoop);
    }
}
