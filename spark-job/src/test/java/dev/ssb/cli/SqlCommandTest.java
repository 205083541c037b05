package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.spark.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        String[] all = new String[args.length + 1];
        all[0] = "sql";
        System.arraycopy(args, 0, all, 1, args.length);
        CliRun.Result r = CliRun.execute(all);
        return new Result(r.code(), r.out(), r.err());
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
    void writesAreRefusedAndNoFileIsTouched(@TempDir Path tmp) throws Exception {
        Path target = Files.createDirectories(tmp.resolve("target"));
        Path canary = Files.writeString(target.resolve("canary.txt"), "keep me");
        String dirUri = target.toUri().toString();
        List<String> writes =
                List.of(
                        "INSERT OVERWRITE DIRECTORY '" + dirUri + "' SELECT 1",
                        "INSERT OVERWRITE DIRECTORY '" + target + "' USING parquet SELECT 1;",
                        "FROM problems INSERT OVERWRITE DIRECTORY '" + target + "' SELECT *",
                        "EXPLAIN INSERT OVERWRITE DIRECTORY '" + target + "' SELECT 1",
                        "CREATE TABLE t USING parquet LOCATION '" + dirUri + "' AS SELECT 1",
                        "DROP VIEW problems",
                        "CACHE TABLE problems",
                        "SET spark.sql.runSQLOnFiles=true",
                        "ADD JAR " + canary,
                        "EXECUTE IMMEDIATE 'SELECT 1'");
        for (String write : writes) {
            Result r = sql("--run", run.toString(), write);
            assertThat(r.code()).as(write).isEqualTo(1);
            assertThat(r.err())
                    .as(write)
                    .contains("ssb sql: Cannot run")
                    .contains("ssb sql is read-only");
        }
        assertThat(Files.readString(canary)).isEqualTo("keep me");
        try (var files = Files.list(target)) {
            assertThat(files.toList()).containsExactly(canary);
        }
        Result stillThere = sql("--run", run.toString(), "SELECT count(*) AS n FROM problems");
        assertThat(stillThere.code()).as(stillThere.err()).isZero();
    }

    @Test
    void functionsThatReachTheJvmAreRefused() {
        for (String q :
                List.of(
                        "SELECT reflect('java.lang.System', 'getenv', 'HOME')",
                        "SELECT REFLECT('java.lang.System', 'getenv', 'HOME');",
                        "SELECT * FROM problems WHERE question = (SELECT java_method("
                                + "'java.lang.System', 'getProperty', 'user.home'))",
                        "WITH x AS (SELECT try_reflect('java.lang.System', 'exit', 0) AS v)"
                                + " SELECT * FROM x",
                        "SELECT IDENTIFIER('reflect')('java.lang.System', 'getenv', 'HOME')")) {
            Result r = sql("--run", run.toString(), "--format", "csv", q);
            assertThat(r.code()).as(q).isEqualTo(1);
            assertThat(r.err()).as(q).contains("ssb sql: Cannot run").contains("Java methods");
            assertThat(r.out()).as(q).isEmpty();
        }
        Result transform =
                sql(
                        "--run",
                        run.toString(),
                        "SELECT TRANSFORM(question) USING 'cat' FROM problems");
        assertThat(transform.code()).isEqualTo(1);
        assertThat(transform.err()).contains("does not run external commands");
    }

    @Test
    void readsRunAndFilePathsAreNotTables() {
        for (String q :
                List.of(
                        "WITH v AS (SELECT verdict FROM rollouts) SELECT count(*) FROM v",
                        "SHOW TABLES",
                        "DESCRIBE problems",
                        "EXPLAIN SELECT * FROM problems",
                        "VALUES (1, 2)")) {
            Result r = sql("--run", run.toString(), q);
            assertThat(r.code()).as(q + ": " + r.err()).isZero();
            assertThat(r.out()).as(q).isNotEmpty();
        }
        Result show = sql("--run", run.toString(), "--format", "csv", "SHOW TABLES");
        assertThat(show.out()).contains("problems").contains("rollouts");
        Result path =
                sql(
                        "--run",
                        run.toString(),
                        "SELECT * FROM parquet.`" + run.resolve("problems") + "`");
        assertThat(path.code()).isEqualTo(1);
    }

    @Test
    void csvQuotesOnlyWhatNeedsIt() {
        assertThat(ResultFormat.csvLine(new String[] {"a", null, "b,c", "say \"hi\"", ""}))
                .isEqualTo("a,,\"b,c\",\"say \"\"hi\"\"\",\"\"");
    }
}
