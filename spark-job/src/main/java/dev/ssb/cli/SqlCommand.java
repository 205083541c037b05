package dev.ssb.cli;

import dev.ssb.spark.SparkSessions;
import dev.ssb.table.RunTables;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.parser.ParseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ssb sql}: Spark SQL over the committed tables of one run. */
@Command(
        name = "sql",
        mixinStandardHelpOptions = true,
        description = {
            "Registers every committed table of a run folder (<out>/<run-id>: problems, rejected,"
                    + " rollouts, teacher_contexts, teacher_logits, train_metrics, eval/samples as"
                    + " view eval, eval-TAG/samples as eval_TAG, ...) as a temporary view and runs"
                    + " one query. Without a query, lists the views.",
            "Read-only: only SELECT, WITH, VALUES, TABLE, SHOW, DESCRIBE and EXPLAIN run (decided"
                    + " on Spark's parsed plan); statements that write, delete or change settings,"
                    + " file paths as tables, reflect/java_method and TRANSFORM are refused. The"
                    + " session's warehouse is a temporary folder.",
            "Example: ssb sql --run runs/r1 \"SELECT verdict, count(*) AS n FROM rollouts GROUP BY"
                    + " verdict\""
        })
final class SqlCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--run",
            required = true,
            paramLabel = "DIR",
            description = "The run folder <out>/<run-id> (Hadoop path).")
    String run;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table (Spark's show, untruncated), csv or json (one object per line).")
    String format;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "20",
            description = "Print at most N rows (default: ${DEFAULT-VALUE}; 0 = all).")
    int limit;

    @Parameters(arity = "0..1", paramLabel = "QUERY", description = "One Spark SQL query.")
    String query;

    @Override
    public Integer call() {
        ResultFormat resultFormat = parseFormat();
        if (limit < 0) {
            throw new ParameterException(
                    spec.commandLine(), "Invalid --limit: " + limit + " (must be >= 0)");
        }
        // a session of its own: its views and settings do not leak into other sessions of the JVM
        SparkSession spark = SparkSessions.getOrCreateQuiet("ssb sql").newSession();
        spark.conf().set("spark.sql.runSQLOnFiles", "false"); // only the run's tables, no paths
        Map<String, org.apache.hadoop.fs.Path> views = RunTables.register(spark, run);
        Map<String, String> incomplete =
                RunTables.incomplete(
                        new org.apache.hadoop.fs.Path(run),
                        spark.sparkContext().hadoopConfiguration());
        if (!incomplete.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            incomplete.forEach(
                    (view, reason) ->
                            err.printf(
                                    "ssb sql: table %s is incomplete, not registered: %s%n",
                                    view, reason));
            err.flush();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (query == null || query.isBlank()) {
            views.forEach((view, path) -> out.printf("%-20s %s%n", view, path));
        } else if (resultFormat.print(readOnly(spark, query), limit, out)
                && resultFormat != ResultFormat.TABLE) {
            PrintWriter err = spec.commandLine().getErr();
            err.printf("ssb sql: only the first %d rows printed (--limit 0 for all)%n", limit);
            err.flush();
        }
        out.flush();
        return 0;
    }

    /** The query as a Dataset, after {@link ReadOnlyQuery} allowed it; nothing runs before. */
    static Dataset<Row> readOnly(SparkSession spark, String query) {
        boolean lazyQuery;
        try {
            lazyQuery = ReadOnlyQuery.check(spark.sessionState().sqlParser(), query);
        } catch (ParseException e) {
            throw new IllegalArgumentException("Invalid query: " + e.getMessage(), e);
        }
        Dataset<Row> rows = spark.sql(ReadOnlyQuery.stripTrailingSemicolons(query));
        if (lazyQuery) { // analyzed, not run yet
            ReadOnlyQuery.checkAnalyzed(rows.queryExecution().analyzed());
        }
        return rows;
    }

    private ResultFormat parseFormat() {
        try {
            return ResultFormat.valueOf(format.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(
                    spec.commandLine(),
                    "Invalid --format: " + format + " (must be table, csv or json)");
        }
    }
}
