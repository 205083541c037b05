package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.spark.SharedSpark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SqlCommandTest {

    private static Path run;
    private static Path dir;

    private record Result(int code, String out, String err) {}

    @BeforeAll
    static void createRun() throws Exception {
        run = RunFixture.shared();
        dir = run.getParent().getParent(); // holds the run two levels down: no table of its own
    }

    private static Result sql(String... args) {
        CommandLine cli = SsbCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "sql";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = cli.execute(all);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void listsEveryCommittedParquetTableAsAView() {
        Result list = sql("--run", run.toString());
        assertThat(list.code()).as(list.err()).isZero();
        List<String> views = list.out().lines().map(l -> l.split("\\s+")[0]).sorted().toList();
        assertThat(views)
                .containsExactly(
                        "eval",
                        "eval_problems",
                        "eval_rejected",
                        "problems",
                        "rejected",
                        "rollouts",
                        "teacher_contexts",
                        "teacher_logits",
                        "train_metrics");
        assertThat(list.out()).contains(run.resolve("eval/samples").toString());
    }

    @Test
    void csvGroupByMatchesTheParquetTable() {
        Result csv =
                sql(
                        "--run",
                        run.toString(),
                        "--format",
                        "csv",
                        "SELECT verdict, count(*) AS n FROM rollouts GROUP BY verdict ORDER BY"
                                + " verdict");
        assertThat(csv.code()).as(csv.err()).isZero();
        Map<String, Long> expected = new TreeMap<>();
        for (Row r :
                SharedSpark.session()
                        .read()
                        .parquet(run.resolve("rollouts").toString())
                        .collectAsList()) {
            expected.merge(r.getAs("verdict"), 1L, Long::sum);
        }
        List<String> lines = new ArrayList<>(List.of("verdict,n"));
        expected.forEach((v, n) -> lines.add(v + "," + n));
        assertThat(csv.out().lines().toList()).isEqualTo(lines);
        assertThat(expected.values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(RunFixture.PROBLEMS * RunFixture.SAMPLES);
    }

    @Test
    void tableFormatIsUntruncatedAndLimitIsReported() {
        Result table =
                sql(
                        "--run",
                        run.toString(),
                        "--limit",
                        "2",
                        "SELECT question, split FROM problems ORDER BY question");
        assertThat(table.code()).as(table.err()).isZero();
        List<String> lines = table.out().lines().toList();
        // border, header, border, 2 rows, border, note
        assertThat(lines).hasSize(7);
        assertThat(lines.get(1)).matches("\\|question +\\|split *\\|");
        assertThat(lines.get(3)).startsWith("|Ann has 0 apples and gets 7 more. How many now?|");
        assertThat(lines.get(6)).isEqualTo("only showing top 2 rows");
        assertThat(lines.get(0)).isEqualTo(lines.get(2)).isEqualTo(lines.get(5));
    }

    @Test
    void multiLineCellsStayOnOneRowAndNullsShow() {
        Result table =
                sql("--run", run.toString(), "SELECT 'a\nb\tc' AS s, CAST(NULL AS INT) AS n");
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out().lines().toList())
                .containsExactly(
                        "+-------+----+",
                        "|s      |n   |",
                        "+-------+----+",
                        "|a\\nb\\tc|NULL|",
                        "+-------+----+");
    }

    @Test
    void jsonFormatKeepsTypesAndArrays() throws Exception {
        Result json =
                sql(
                        "--run",
                        run.toString(),
                        "--format",
                        "json",
                        "--limit",
                        "0",
                        "SELECT step, loss_kd, array(step, step) AS pair FROM train_metrics"
                                + " ORDER BY step");
        assertThat(json.code()).as(json.err()).isZero();
        List<String> lines = json.out().lines().toList();
        assertThat(lines).hasSize(RunFixture.STEPS);
        JsonNode last = new ObjectMapper().readTree(lines.get(RunFixture.STEPS - 1));
        assertThat(last.get("step").asInt()).isEqualTo(RunFixture.STEPS);
        assertThat(last.get("loss_kd").asDouble()).isEqualTo(2.0 / RunFixture.STEPS);
        assertThat(last.get("pair").isArray()).isTrue();
    }

    @Test
    void errorsNameTheProblem() {
        Result format = sql("--run", run.toString(), "--format", "xml", "SELECT 1");
        assertThat(format.code()).isNotZero();
        assertThat(format.err()).contains("Invalid --format: xml (must be table, csv or json)");
        Result empty = sql("--run", dir.toString(), "SELECT 1");
        assertThat(empty.code()).isEqualTo(1);
        assertThat(empty.err()).contains("Cannot query run " + dir + ": no committed table");
        Result badSql = sql("--run", run.toString(), "SELECT nope FROM problems");
        assertThat(badSql.code()).isEqualTo(1);
        assertThat(badSql.err()).contains("ssb sql:").contains("nope");
    }

    @Test
    void csvQuotesOnlyWhatNeedsIt() {
        assertThat(ResultFormat.csvLine(new String[] {"a", null, "b,c", "say \"hi\"", ""}))
                .isEqualTo("a,,\"b,c\",\"say \"\"hi\"\"\",\"\"");
    }
}
