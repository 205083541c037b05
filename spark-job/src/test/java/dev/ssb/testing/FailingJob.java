package dev.ssb.testing;

import org.apache.spark.sql.SparkSession;

/**
 * A Spark application whose main throws after a successful job, with its SparkContext still
 * running: its submission must still end, with a non-zero exit code.
 */
public final class FailingJob {

    /** The message of the exception main throws. */
    public static final String MESSAGE = "FailingJob fails on purpose";

    private FailingJob() {}

    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().appName("ssb-failing").getOrCreate();
        long n = spark.range(0, 10, 1, 2).count();
        throw new IllegalStateException(MESSAGE + " after counting " + n + " rows");
    }
}
