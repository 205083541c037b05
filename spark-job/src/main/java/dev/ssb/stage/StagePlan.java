package dev.ssb.stage;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.spark.CheckpointCache;
import dev.ssb.spark.HadoopFiles;
import dev.ssb.table.Manifest;
import dev.ssb.table.RunLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * What a stage command would read and write, checked without Spark ({@code --dry-run}). Inputs that
 * exist before a pipeline starts (dataset files, checkpoints, adapters) must exist; tables that an
 * earlier stage writes may be missing, so a scheduler can dry-run every stage of a DAG up front.
 */
public final class StagePlan {

    /** A checkpoint name a model runtime resolves itself, like {@code embedded:toy}. */
    private static final Pattern RUNTIME_ID = Pattern.compile("[a-z][a-z0-9]*:[^/].*");

    private final String stage;
    private final RunLayout layout;
    private final Configuration hadoop;
    private final List<String> lines = new ArrayList<>();

    public StagePlan(String stage, SsbConfig config) {
        this.stage = stage;
        this.layout = new RunLayout(config.out(), config.runId());
        this.hadoop = HadoopFiles.configuration();
        lines.add(
                String.format(
                        "ssb %s --dry-run: run %s in %s (config hash %s)",
                        stage, config.runId(), layout.runPath(), config.hash()));
    }

    /** A file or folder the stage reads that must exist before the run. */
    public StagePlan readsPath(String what, String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException(
                    String.format("Cannot plan %s: %s is not set", stage, what));
        }
        if (!exists(new Path(path))) {
            throw new IllegalArgumentException(
                    String.format("Cannot plan %s: %s %s does not exist", stage, what, path));
        }
        return line("reads", what, path, "exists");
    }

    /**
     * The model checkpoint, checked as the stage loads it ({@link CheckpointCache#check}); a
     * runtime name like embedded:toy is passed on.
     */
    public StagePlan model(SsbConfig config) {
        String checkpoint = config.string(SsbProperties.MODEL_CHECKPOINT);
        String where =
                config.string(SsbProperties.MODEL_DEVICE)
                        + ", "
                        + config.string(SsbProperties.MODEL_DTYPE);
        if (RUNTIME_ID.matcher(checkpoint).matches()) {
            return line("model", checkpoint, where, "resolved by the model runtime");
        }
        // the check the executors' staging makes (CheckpointCache), not only "exists"
        String found;
        try {
            found = CheckpointCache.check(checkpoint, hadoop);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    String.format(
                            "Cannot plan %s: %s",
                            stage,
                            e.getMessage()
                                    .replace(
                                            "Cannot load checkpoint ",
                                            SsbProperties.MODEL_CHECKPOINT + " ")),
                    e);
        }
        return line("model", checkpoint, where, found);
    }

    /** A table of this run written by {@code producer}: present, or planned before this stage. */
    public StagePlan readsTable(String table, String producer) {
        Optional<Manifest> manifest = layout.manifest(table, hadoop);
        return line(
                "reads",
                "table " + table,
                layout.tablePath(table).toString(),
                manifest.map(m -> "complete " + m.counts())
                        .orElse("not yet written (ssb " + producer + " must run first)"));
    }

    /** A table of this run the stage writes, and whether a committed one is already there. */
    public StagePlan writesTable(String table) {
        Optional<Manifest> manifest = layout.manifest(table, hadoop);
        return line(
                "writes",
                "table " + table,
                layout.tablePath(table).toString(),
                manifest.map(
                                m ->
                                        "committed "
                                                + m.finishedAt()
                                                + ": a no-op unless its settings changed or"
                                                + " --force")
                        .orElse("new"));
    }

    /** Any other output, relative to the run folder. */
    public StagePlan writes(String what, String relative) {
        return line("writes", what, new Path(layout.runPath(), relative).toString(), "");
    }

    public StagePlan note(String text) {
        lines.add("  " + text);
        return this;
    }

    public boolean isComplete(String table) {
        return layout.isComplete(table, hadoop);
    }

    public RunLayout layout() {
        return layout;
    }

    public boolean exists(Path path) {
        try {
            return path.getFileSystem(hadoop).exists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot check " + path, e);
        }
    }

    public String render() {
        return String.join(System.lineSeparator(), lines)
                + System.lineSeparator()
                + "  nothing was run (no SparkSession started)"
                + System.lineSeparator();
    }

    private StagePlan line(String verb, String what, String where, String state) {
        lines.add(
                String.format(
                        "  %-7s %-24s %s%s",
                        verb, what, where, state.isEmpty() ? "" : "  " + state));
        return this;
    }
}
