package dev.ssb.table;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.SsbConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * The commit protocol of one stage and its output tables. {@link #run} drops the stage's manifests
 * first, writes each table to {@code <table>/_tmp-<uuid>} and moves the files into place, then
 * writes every manifest last (temp file + rename). A crash at any point leaves at least one
 * manifest missing, so the stage reads as incomplete and is redone.
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
            LOG.info(
                    "Stage {} of run {} is complete ({}); nothing to do (use --force to redo)",
                    stage,
                    layout.runId(),
                    existing.counts());
            return new Outcome(true, existing);
        }
        Instant start = Instant.now();
        for (String table : tables) {
            delete(layout.manifestPath(table)); // decommit before touching any data
        }
        Result result = body.write(this);
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
                            config.values());
            writeManifest(table, m);
            first = first == null ? m : first;
        }
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
                if (!old.getPath().getName().equals(tmp.getName())) {
                    fs.delete(old.getPath(), true); // earlier data and leftovers of crashed writes
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

    private void delete(Path path) {
        try {
            RunLayout.fs(path, hadoop).delete(path, false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + path, e);
        }
    }

    /** The committed manifest of one of this stage's tables. */
    public Optional<Manifest> manifest(String table) {
        return layout.manifest(table, hadoop);
    }
}
