package dev.ssb.pipeline;

import java.util.Arrays;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A table's rows without the columns that name where, when or with what settings' hash a row was
 * computed, so the same stage run elsewhere (HDFS, YARN) can be compared row for row with a local
 * run.
 */
final class ComparableRows {

    /** Columns that name where, when or with what settings' hash a row was computed. */
    private static final Pattern CIRCUMSTANTIAL =
            Pattern.compile("executor_id|.*_ms|config_hash|file");

    private ComparableRows() {}

    /** The table's rows without circumstantial columns. */
    static Dataset<Row> of(Dataset<Row> table) {
        Column[] kept =
                Arrays.stream(table.columns())
                        .filter(c -> !CIRCUMSTANTIAL.matcher(c).matches())
                        .map(table::col)
                        .toArray(Column[]::new);
        return table.select(kept);
    }
}
