package dev.ssb.spark;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How the model stages spread problems over tasks. A problems table is small in bytes but each row
 * costs seconds of decoding, so Spark's file-size-based split (one task for a small file) would
 * leave all but one executor core idle: unless {@code data.partitions} is set, the rows are hashed
 * by {@code problem_id} into as many partitions as the application has task slots.
 */
public final class Partitions {

    private Partitions() {}

    /**
     * {@code rows} hash-partitioned by {@code problem_id} into {@code configured} partitions, or
     * into Spark's default parallelism (the cores of local[*], or of all executors) when it is 0
     * ({@code data.partitions}, never negative: the configuration checks it).
     */
    public static Dataset<Row> byProblem(Dataset<Row> rows, int configured) {
        int n =
                configured > 0
                        ? configured
                        : rows.sparkSession().sparkContext().defaultParallelism();
        return rows.repartition(n, col("problem_id"));
    }
}
