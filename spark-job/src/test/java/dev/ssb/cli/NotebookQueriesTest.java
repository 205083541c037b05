package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.spark.SharedSpark;
import dev.ssb.table.RunTables;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The SQL of notebooks/ssb_run_analysis.ipynb runs through {@code ssb sql}'s engine ({@link
 * RunTables}) against a run produced by the stages, and every query returns the columns its cell
 * reads.
 */
class NotebookQueriesTest {

    private static final Path NOTEBOOK =
            Path.of(System.getProperty("ssb.repo.dir", ".."), "notebooks/ssb_run_analysis.ipynb");
    private static final Pattern SQL =
            Pattern.compile("spark\\.sql\\(\"\"\"(.*?)\"\"\"\\)", Pattern.DOTALL);

    /** The columns of each query, in notebook order. */
    private static final List<List<String>> COLUMNS =
            List.of(
                    List.of(
                            "problem_id",
                            "question",
                            "gold_answer",
                            "samples",
                            "n_correct",
                            "pass_rate"),
                    List.of("wrong_answer", "gold_answer", "n", "problems"),
                    List.of(
                            "verdict",
                            "finish_reason",
                            "n",
                            "min_tokens",
                            "p50_tokens",
                            "p90_tokens",
                            "max_tokens",
                            "mean_tokens"),
                    List.of("bucket_start", "n"),
                    List.of("fate", "problems"),
                    List.of(
                            "problem_id",
                            "question",
                            "gold_answer",
                            "n_correct",
                            "n_wrong",
                            "wrong_answer",
                            "wrong_answer_count",
                            "robust_answer",
                            "robust_solution_chars"),
                    List.of(
                            "step",
                            "epoch",
                            "loss_kd",
                            "loss_ce",
                            "grad_norm",
                            "lr",
                            "loss_kd_smooth"),
                    List.of(
                            "model_tag",
                            "decoding",
                            "problems",
                            "samples",
                            "pass_at_1",
                            "strict_pass_at_1",
                            "mean_tokens"),
                    List.of("problem_id", "base_pass", "student_pass", "delta"));

    private static List<JsonNode> codeCells() throws Exception {
        assertThat(NOTEBOOK).isRegularFile();
        JsonNode notebook = new ObjectMapper().readTree(NOTEBOOK.toFile());
        assertThat(notebook.get("nbformat").asInt()).isEqualTo(4);
        List<JsonNode> cells = new ArrayList<>();
        notebook.get("cells")
                .forEach(
                        c -> {
                            if (c.get("cell_type").asText().equals("code")) {
                                cells.add(c);
                            }
                        });
        return cells;
    }

    private static String source(JsonNode cell) {
        StringBuilder text = new StringBuilder();
        cell.get("source").forEach(line -> text.append(line.asText()));
        return text.toString();
    }

    private static List<String> queries() throws Exception {
        List<String> queries = new ArrayList<>();
        for (JsonNode cell : codeCells()) {
            Matcher m = SQL.matcher(source(cell));
            while (m.find()) {
                queries.add(m.group(1));
            }
        }
        return queries;
    }

    @Test
    void everyQueryRunsOnARunAndReturnsItsColumns() throws Exception {
        List<String> queries = queries();
        assertThat(queries).hasSameSizeAs(COLUMNS);
        SparkSession spark = SharedSpark.session();
        RunTables.register(spark, RunFixture.shared().toString());
        List<Dataset<Row>> results = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            Dataset<Row> result = spark.sql(queries.get(i));
            assertThat(List.of(result.columns())).as(queries.get(i)).isEqualTo(COLUMNS.get(i));
            results.add(result);
        }
        // a few answers the fixture determines: every problem rolled out, every step, the fake
        // student (any adapter) always answers 7, the gold answer of every fixture problem
        assertThat(results.get(0).count()).isEqualTo(RunFixture.PROBLEMS);
        assertThat(results.get(0).collectAsList())
                .allSatisfy(
                        r -> assertThat(r.<Long>getAs("samples")).isEqualTo(RunFixture.SAMPLES));
        assertThat(results.get(4).collectAsList().stream().mapToLong(r -> r.getLong(1)).sum())
                .isEqualTo(RunFixture.PROBLEMS);
        assertThat(results.get(6).count()).isEqualTo(RunFixture.STEPS);
        List<Row> perProblem = results.get(8).collectAsList();
        assertThat(perProblem).hasSize(RunFixture.PROBLEMS);
        assertThat(perProblem)
                .allSatisfy(
                        r ->
                                assertThat(
                                                r.<java.math.BigDecimal>getAs("student_pass")
                                                        .doubleValue())
                                        .isEqualTo(1.0));
    }

    @Test
    void everyCodeCellIsValidPython() throws Exception {
        assumeThat(python3()).as("python3 on PATH").isTrue();
        for (JsonNode cell : codeCells()) {
            Process p =
                    new ProcessBuilder(
                                    "python3", "-c", "import ast, sys; ast.parse(sys.stdin.read())")
                            .redirectErrorStream(true)
                            .start();
            p.getOutputStream().write(source(cell).getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(source(cell) + "\n" + output).isZero();
        }
    }

    static boolean python3() {
        try {
            Process p =
                    new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException | InterruptedException e) {
            return false;
        }
    }
}
