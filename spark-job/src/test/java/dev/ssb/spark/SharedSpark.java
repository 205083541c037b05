package dev.ssb.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one {@code local[2]} SparkSession of a test JVM: bound to 127.0.0.1, UI off, few shuffle
 * partitions, warehouse in a temporary folder. Spark stops it in its own shutdown hook.
 */
public final class SharedSpark {

    private static SparkSession session;

    private SharedSpark() {}

    public static synchronized SparkSession session() {
        if (session == null) {
            session =
                    SparkSession.builder()
                            .appName("ssb-tests")
                            .master("local[2]")
                            .config("spark.driver.host", "127.0.0.1")
                            .config("spark.driver.bindAddress", "127.0.0.1")
                            .config("spark.ui.enabled", "false")
                            .config("spark.sql.shuffle.partitions", "4")
                            .config("spark.default.parallelism", "2")
                            .config(
                                    "spark.sql.warehouse.dir",
                                    SparkSessions.temporaryWarehouse().toUri().toString())
                            .getOrCreate();
        }
        return session;
    }
}
