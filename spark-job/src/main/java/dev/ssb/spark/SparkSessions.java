package dev.ssb.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The application's SparkSession: spark-submit's settings win; a plain launch runs local[*]. */
public final class SparkSessions {

    private SparkSessions() {}

    /**
     * Gets or creates the session. When {@code spark.master} is not set (the {@code ./ssb}
     * launcher, not spark-submit) the application runs on {@code local[*]} with the UI off.
     */
    public static SparkSession getOrCreate(String appName) {
        SparkConf conf = new SparkConf(); // picks up spark.* system properties set by spark-submit
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        if (!conf.contains("spark.master")) {
            builder.master("local[*]").config("spark.ui.enabled", "false");
        }
        return builder.getOrCreate();
    }
}
