package dev.ssb.eval;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * Where one evaluation lives under {@code <out>/<run-id>/}: the ingested held-out set ({@code
 * eval_problems}, {@code eval_rejected}) and the evaluation folder {@code eval/} holding the {@code
 * samples} table (Parquet, one row per problem × sample × model) next to {@code summary.json} and
 * {@code summary.md}. The summary files are not inside the Parquet folder, so Spark reads it as is.
 * A tag (e.g. {@code math500}) suffixes every name, so several held-out sets share one run.
 *
 * @param problems held-out problems table, e.g. {@code eval_problems-math500}
 * @param rejected rows of the held-out file that ingest rejected
 * @param dir the evaluation folder, e.g. {@code eval-math500}
 */
public record EvalTables(String problems, String rejected, String dir) {

    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9._-]*");

    public EvalTables {
        requireNonNull(problems, "problems is null");
        requireNonNull(rejected, "rejected is null");
        requireNonNull(dir, "dir is null");
    }

    /** The names for {@code eval.tag} ({@code ""} = no suffix). */
    public static EvalTables of(String tag) {
        requireNonNull(tag, "tag is null");
        if (!TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException(
                    "Invalid eval.tag: " + tag + " (must match " + TAG.pattern() + ")");
        }
        String suffix = tag.isEmpty() ? "" : "-" + tag;
        return new EvalTables("eval_problems" + suffix, "eval_rejected" + suffix, "eval" + suffix);
    }

    /** The samples table, relative to the run folder: {@code eval/samples}. */
    public String samples() {
        return dir + "/samples";
    }
}
