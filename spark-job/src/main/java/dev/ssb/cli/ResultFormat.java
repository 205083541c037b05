package dev.ssb.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** How {@code ssb sql} prints a result: Spark's {@code show} layout untruncated, CSV or JSON. */
enum ResultFormat {
    /** {@code Dataset.show(n, false)}: a bordered grid, cells left-aligned, never truncated. */
    TABLE,
    /**
     * RFC 4180 with a header row; null is an empty cell, arrays and structs as Spark prints them.
     */
    CSV,
    /** One JSON object per line (Spark's {@code toJSON}: null fields are left out). */
    JSON;

    /**
     * Prints at most {@code limit} rows of {@code result} ({@code limit <= 0}: all rows).
     *
     * @return whether rows were left out
     */
    boolean print(Dataset<Row> result, int limit, PrintWriter out) {
        Dataset<Row> head = limit > 0 ? result.limit(limit + 1) : result;
        String[] names = result.columns();
        if (this == JSON) {
            List<String> lines = head.toJSON().collectAsList();
            lines.stream().limit(limit > 0 ? limit : Long.MAX_VALUE).forEach(out::println);
            return limit > 0 && lines.size() > limit;
        }
        List<String[]> rows = asStrings(head, names);
        boolean more = limit > 0 && rows.size() > limit;
        if (more) {
            rows = rows.subList(0, limit);
        }
        if (this == CSV) {
            out.println(csvLine(names));
            rows.forEach(r -> out.println(csvLine(r)));
        } else {
            grid(names, rows, out);
            if (more) {
                out.printf("only showing top %d row%s%n", limit, limit == 1 ? "" : "s");
            }
        }
        return more;
    }

    /** Every cell as Spark casts it to a string; columns renamed first so duplicates resolve. */
    private static List<String[]> asStrings(Dataset<Row> data, String[] names) {
        String[] unique = new String[names.length];
        Column[] cells = new Column[names.length];
        for (int i = 0; i < names.length; i++) {
            unique[i] = "c" + i;
            cells[i] = functions.col(unique[i]).cast("string");
        }
        List<String[]> rows = new ArrayList<>();
        for (Row row : data.toDF(unique).select(cells).collectAsList()) {
            String[] cellsOfRow = new String[names.length];
            for (int i = 0; i < names.length; i++) {
                cellsOfRow[i] = row.isNullAt(i) ? null : row.getString(i);
            }
            rows.add(cellsOfRow);
        }
        return rows;
    }

    private static void grid(String[] names, List<String[]> rows, PrintWriter out) {
        int[] widths = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            widths[i] = Math.max(3, names[i].length());
            for (String[] r : rows) {
                widths[i] = Math.max(widths[i], shown(r[i]).length());
            }
        }
        StringBuilder sep = new StringBuilder("+");
        Arrays.stream(widths).forEach(w -> sep.append("-".repeat(w)).append('+'));
        out.println(sep);
        out.println(gridLine(names, widths));
        out.println(sep);
        for (String[] r : rows) {
            out.println(gridLine(r, widths));
        }
        out.println(sep);
    }

    private static String gridLine(String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder("|");
        for (int i = 0; i < cells.length; i++) {
            String s = shown(cells[i]);
            line.append(s).append(" ".repeat(widths[i] - s.length())).append('|');
        }
        return line.toString();
    }

    /** As Spark's show: control characters escaped so a multi-line completion stays one row. */
    private static String shown(String cell) {
        if (cell == null) {
            return "NULL";
        }
        return cell.replace("\n", "\\n")
                .replace("\r", "\\r")
                .replace("\t", "\\t")
                .replace("\f", "\\f")
                .replace("\u000B", "\\v")
                .replace("\b", "\\b");
    }

    static String csvLine(String[] cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                line.append(',');
            }
            String s = cells[i];
            if (s == null) {
                continue;
            }
            if (s.isEmpty() || s.matches("(?s).*[,\"\r\n].*")) {
                line.append('"').append(s.replace("\"", "\"\"")).append('"');
            } else {
                line.append(s);
            }
        }
        return line.toString();
    }
}
