package dev.ssb.table;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The committed Parquet tables of one run folder as Spark SQL views. A table is a folder, one or
 * two levels below the run folder, holding a {@value RunLayout#MANIFEST} and at least one {@code
 * .parquet} file and passing {@link TableFiles}' completeness check (the adapter folder has a
 * manifest but no Parquet and is left out). Its view name is its path relative to the run folder
 * with a trailing {@code /samples} dropped and every other character than a letter, digit or
 * underscore replaced by {@code _}: {@code problems}, {@code eval/samples} → {@code eval}, {@code
 * eval-math500/samples} → {@code eval_math500}.
 */
public final class RunTables {

    private static final String SAMPLES_SUFFIX = "/samples";

    private RunTables() {}

    /**
     * The committed tables under {@code runDir}, view name to table folder, sorted by name.
     *
     * @throws IllegalArgumentException when {@code runDir} is not a folder
     */
    public static Map<String, Path> discover(Path runDir, Configuration hadoop) {
        return scan(runDir, hadoop, new TreeMap<>());
    }

    /**
     * The tables under {@code runDir} that have a manifest but fail the completeness check (a
     * missing or truncated data file): view name to the reason, naming the file.
     */
    public static Map<String, String> incomplete(Path runDir, Configuration hadoop) {
        Map<String, String> incomplete = new TreeMap<>();
        scan(runDir, hadoop, incomplete);
        return incomplete;
    }

    private static Map<String, Path> scan(
            Path runDir, Configuration hadoop, Map<String, String> incomplete) {
        requireNonNull(runDir, "runDir is null");
        Map<String, Path> views = new TreeMap<>();
        try {
            FileSystem fs = runDir.getFileSystem(hadoop);
            if (!fs.isDirectory(runDir)) {
                throw new IllegalArgumentException("Cannot query run " + runDir + ": not a folder");
            }
            for (FileStatus child : folders(fs, runDir)) {
                add(fs, hadoop, child.getPath(), child.getPath().getName(), views, incomplete);
                for (FileStatus grandChild : folders(fs, child.getPath())) {
                    add(
                            fs,
                            hadoop,
                            grandChild.getPath(),
                            child.getPath().getName() + "/" + grandChild.getPath().getName(),
                            views,
                            incomplete);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list run " + runDir, e);
        }
        return views;
    }

    /**
     * Registers every committed table of {@code runDir} as a temporary view of {@code spark}.
     *
     * @return view name to table folder
     * @throws IllegalArgumentException when the folder holds no committed table
     */
    public static Map<String, Path> register(SparkSession spark, String runDir) {
        Path run = new Path(runDir);
        Map<String, Path> views = discover(run, spark.sparkContext().hadoopConfiguration());
        if (views.isEmpty()) {
            throw new IllegalArgumentException(
                    "Cannot query run "
                            + runDir
                            + ": no committed table (no folder with "
                            + RunLayout.MANIFEST
                            + " and Parquet files)");
        }
        views.forEach(
                (view, path) ->
                        spark.read().parquet(path.toString()).createOrReplaceTempView(view));
        return views;
    }

    /** The view name of a table at {@code relative} (slash-separated) inside a run folder. */
    static String viewName(String relative) {
        String name =
                relative.endsWith(SAMPLES_SUFFIX)
                        ? relative.substring(0, relative.length() - SAMPLES_SUFFIX.length())
                        : relative;
        return name.replaceAll("[^A-Za-z0-9_]", "_").toLowerCase(Locale.ROOT);
    }

    private static void add(
            FileSystem fs,
            Configuration hadoop,
            Path dir,
            String relative,
            Map<String, Path> views,
            Map<String, String> incomplete)
            throws IOException {
        if (!fs.exists(new Path(dir, RunLayout.MANIFEST))) {
            return;
        }
        Optional<String> reason = TableFiles.incompleteReason(dir, hadoop);
        if (reason.isPresent()) {
            incomplete.put(viewName(relative), reason.get());
            return;
        }
        boolean parquet = false;
        for (FileStatus f : fs.listStatus(dir)) {
            parquet |= f.isFile() && f.getPath().getName().endsWith(".parquet");
        }
        if (parquet) {
            views.put(viewName(relative), dir);
        }
    }

    private static FileStatus[] folders(FileSystem fs, Path dir) throws IOException {
        return Arrays.stream(
                        fs.listStatus(
                                dir,
                                p -> !p.getName().startsWith("_") && !p.getName().startsWith(".")))
                .filter(FileStatus::isDirectory)
                .toArray(FileStatus[]::new);
    }
}
