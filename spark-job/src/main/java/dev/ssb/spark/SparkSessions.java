package dev.ssb.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The application's SparkSession: spark-submit's settings win; a plain launch runs local[*]. Spark
 * SQL's warehouse is never the current folder (Spark's default, {@code ./spark-warehouse}): unless
 * configured it is a temporary folder deleted when the JVM exits.
 */
public final class SparkSessions {

    static final String WAREHOUSE = "spark.sql.warehouse.dir";
    static final String PROGRESS = "spark.ui.showConsoleProgress";

    private SparkSessions() {}

    /**
     * Gets or creates the session of a stage command. When {@code spark.master} is not set (the
     * {@code ./ssb} launcher, not spark-submit) the application runs on {@code local[*]} with the
     * UI off and Spark's console progress bar on (stderr); spark-submit's configuration decides the
     * progress bar for itself.
     */
    public static SparkSession getOrCreate(String appName) {
        return build(appName, true);
    }

    /** As {@link #getOrCreate} without the progress bar: for commands whose output is a result. */
    public static SparkSession getOrCreateQuiet(String appName) {
        return build(appName, false);
    }

    private static SparkSession build(String appName, boolean progress) {
        scala.Option<SparkSession> existing = SparkSession.getDefaultSession();
        if (existing.isDefined()) { // one session per JVM: stages of `ssb run`, tests
            return existing.get();
        }
        SparkConf conf = new SparkConf(); // picks up spark.* system properties set by spark-submit
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        defaults(conf, progress).forEach(builder::config);
        return builder.getOrCreate();
    }

    /**
     * The settings a session gets on top of {@code conf}: master, UI and progress bar for a plain
     * launch, and a temporary warehouse when none is configured. Settings already in {@code conf}
     * are never overridden.
     */
    static Map<String, String> defaults(SparkConf conf, boolean progress) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (!conf.contains("spark.master")) {
            settings.put("spark.master", "local[*]");
            settings.put("spark.ui.enabled", "false");
            if (progress && !conf.contains(PROGRESS)) {
                settings.put(PROGRESS, "true");
            }
        }
        if (!conf.contains(WAREHOUSE)) {
            settings.put(WAREHOUSE, temporaryWarehouse().toUri().toString());
        }
        return settings;
    }

    /** A fresh folder in {@code java.io.tmpdir}, removed with its content when the JVM exits. */
    public static synchronized Path temporaryWarehouse() {
        try {
            Path dir = Files.createTempDirectory("ssb-warehouse-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary Spark SQL warehouse", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort at exit: a leftover folder in the temporary directory is harmless
        }
    }
}
