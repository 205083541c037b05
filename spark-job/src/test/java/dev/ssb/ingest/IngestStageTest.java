package dev.ssb.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.spark.SharedSpark;
import dev.ssb.table.Manifest;
import dev.ssb.table.StageOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestStageTest {

    private static final Path DATASETS = Path.of(System.getProperty("ssb.data.dir", "../data"));

    private final SparkSession spark = SharedSpark.session();
    @TempDir Path out;

    private SsbConfig config(String problems, String runId) {
        return SsbConfig.defaults()
                .with(SsbProperties.DATA_PROBLEMS, problems)
                .with(SsbProperties.OUT, out.toString())
                .with(SsbProperties.RUN_ID, runId);
    }

    private List<Row> table(String runId, String table) {
        return spark.read().parquet(out.resolve(runId).resolve(table).toString()).collectAsList();
    }

    @Test
    void ingestsRealDatasetsWithDetectedFormats() throws Exception {
        record Expect(String file, String source, String split, long rows, String firstGold) {}
        for (Expect e :
                List.of(
                        new Expect("gsm8k_test.jsonl", "gsm8k", "test", 1319, "18"),
                        new Expect(
                                "math500_test.jsonl",
                                "math",
                                "test",
                                500,
                                "\\left( 3, \\frac{\\pi}{2} \\right)"),
                        new Expect("aime24_test.jsonl", "aime", "test", 30, "204"))) {
            String runId = e.source();
            StageOutput.Outcome outcome =
                    IngestStage.run(
                            spark, config(DATASETS.resolve(e.file()).toString(), runId), false);
            Manifest m = outcome.manifest();
            assertThat(m.counts())
                    .as(e.file())
                    .containsEntry("input_rows", e.rows())
                    .containsEntry("problems", e.rows())
                    .containsEntry("rejected", 0L);
            List<Row> problems = table(runId, IngestStage.PROBLEMS);
            assertThat(problems).hasSize((int) e.rows());
            Row first =
                    problems.stream()
                            .filter(r -> r.<Long>getAs("line") == 1L)
                            .findFirst()
                            .orElseThrow();
            assertThat(first.<String>getAs("source")).isEqualTo(e.source());
            assertThat(first.<String>getAs("split")).isEqualTo(e.split());
            assertThat(first.<String>getAs("gold_answer")).isEqualTo(e.firstGold());
            assertThat(first.<String>getAs("run_id")).isEqualTo(runId);
            assertThat(first.<String>getAs("config_hash")).isEqualTo(m.configHash());
            String firstLine = Files.readAllLines(DATASETS.resolve(e.file())).get(0);
            String field = e.source().equals("gsm8k") ? "question" : "problem";
            assertThat(first.<String>getAs("question"))
                    .isEqualTo(new ObjectMapper().readTree(firstLine).get(field).asText());
            assertThat(first.<String>getAs("problem_id"))
                    .isEqualTo(ProblemIds.of(e.source(), first.getAs("question")));
        }
    }

    @Test
    void badInputRowsAreRejectedWithLineAndReasonAndNothingIsLost() throws Exception {
        Path bad = Path.of(getClass().getResource("/dev/ssb/ingest/bad_gsm8k.jsonl").toURI());
        Manifest m = IngestStage.run(spark, config(bad.toString(), "bad"), false).manifest();
        assertThat(m.count("input_rows")).isEqualTo(11);
        assertThat(m.count("problems")).isEqualTo(3);
        assertThat(m.count("rejected")).isEqualTo(8);

        assertThat(table("bad", IngestStage.PROBLEMS))
                .extracting(r -> r.getAs("line"), r -> r.getAs("gold_answer"))
                .containsExactlyInAnyOrder(tuple(1L, "7"), tuple(7L, "1000"), tuple(11L, "-2"));
        Map<Long, String> reasons =
                table("bad", IngestStage.REJECTED).stream()
                        .collect(
                                Collectors.toMap(
                                        r -> r.<Long>getAs("line"),
                                        r -> r.<String>getAs("reason")));
        assertThat(reasons).hasSize(8);
        assertThat(reasons.get(2L)).startsWith("malformed JSON: ");
        assertThat(reasons.get(3L)).isEqualTo("missing field: answer");
        assertThat(reasons.get(4L)).isEqualTo("empty field: question");
        assertThat(reasons.get(5L)).startsWith("unparseable gold answer");
        assertThat(reasons.get(6L)).isEqualTo("duplicate of line 1");
        assertThat(reasons.get(8L)).isEqualTo("empty line");
        assertThat(reasons.get(9L)).isEqualTo("malformed JSON: not an object");
        assertThat(reasons.get(10L)).startsWith("invalid field: question");
        List<String> lines = Files.readAllLines(bad);
        for (Row r : table("bad", IngestStage.REJECTED)) {
            assertThat(r.<String>getAs("raw"))
                    .isEqualTo(lines.get((int) (r.<Long>getAs("line") - 1)));
        }
    }

    @Test
    void lineNumbersAndIdsDoNotDependOnSplitsOrPartitions() throws Exception {
        Path file = DATASETS.resolve("gsm8k_test.jsonl");
        List<String> lines = Files.readAllLines(file);
        var hadoop = spark.sparkContext().hadoopConfiguration();
        hadoop.setLong("mapreduce.input.fileinputformat.split.maxsize", 64 * 1024);
        List<Row> numbered;
        try {
            numbered = InputLines.jsonl(spark, file.toString()).collectAsList();
            assertThat(InputLines.jsonl(spark, file.toString()).rdd().getNumPartitions())
                    .isGreaterThan(5);
        } finally {
            hadoop.unset("mapreduce.input.fileinputformat.split.maxsize");
        }
        assertThat(numbered).hasSize(lines.size());
        for (Row r : numbered) {
            long line = r.getLong(1);
            assertThat(r.getLong(2)).isEqualTo(line - 1);
            assertThat(r.getString(3)).isEqualTo(lines.get((int) line - 1));
        }

        IngestStage.run(spark, config(file.toString(), "p0"), false);
        IngestStage.run(
                spark, config(file.toString(), "p3").with(SsbProperties.DATA_PARTITIONS, 3), false);
        assertThat(
                        spark.read()
                                .parquet(out.resolve("p3/problems").toString())
                                .rdd()
                                .getNumPartitions())
                .isGreaterThanOrEqualTo(1);
        assertThat(idsByLine("p3")).isEqualTo(idsByLine("p0")).hasSize(1319);
    }

    @Test
    void rerunIsANoOpUnlessForcedAndLimitReadsTheFirstRows() {
        String file = DATASETS.resolve("math500_test.jsonl").toString();
        SsbConfig limited = config(file, "lim").with(SsbProperties.DATA_LIMIT, 25);
        StageOutput.Outcome first = IngestStage.run(spark, limited, false);
        assertThat(first.skipped()).isFalse();
        assertThat(first.manifest().count("input_rows")).isEqualTo(25);
        assertThat(table("lim", IngestStage.PROBLEMS))
                .extracting(r -> r.<Long>getAs("line"))
                .allMatch(line -> line >= 1 && line <= 25);

        StageOutput.Outcome again =
                IngestStage.run(spark, limited.with(SsbProperties.ROLLOUT_SAMPLES, 8), false);
        assertThat(again.skipped()).as("a key ingest does not read changes nothing").isTrue();

        StageOutput.Outcome forced = IngestStage.run(spark, limited, true);
        assertThat(forced.skipped()).isFalse();
        assertThat(forced.manifest().startedAt()).isNotEqualTo(first.manifest().startedAt());
        assertThat(table("lim", IngestStage.PROBLEMS)).hasSize(25);
    }

    @Test
    void ingestsParquetWithTheSameIdsAsJsonl() {
        String jsonl = DATASETS.resolve("aime24_test.jsonl").toString();
        String parquet = out.resolve("aime24_test.parquet").toString();
        spark.read().json(jsonl).write().parquet(parquet);
        Manifest m = IngestStage.run(spark, config(parquet, "pq"), false).manifest();
        assertThat(m.count("input_rows")).isEqualTo(30);
        assertThat(m.count("problems")).isEqualTo(30);
        IngestStage.run(spark, config(jsonl, "js"), false);
        assertThat(ids("pq")).isEqualTo(ids("js")).hasSize(30);
        assertThat(table("pq", IngestStage.PROBLEMS))
                .allMatch(r -> r.<String>getAs("source").equals("aime"));
    }

    private java.util.Set<String> ids(String runId) {
        return table(runId, IngestStage.PROBLEMS).stream()
                .map(r -> r.<String>getAs("problem_id") + "=" + r.<String>getAs("gold_answer"))
                .collect(Collectors.toSet());
    }

    @Test
    void foldersAreReadFileByFileAndDuplicatesAcrossFilesNameTheFirst() throws Exception {
        Path dir = Files.createDirectories(out.resolve("gsm8k_parts"));
        Files.writeString(
                dir.resolve("a.jsonl"),
                "{\"question\":\"q1\",\"answer\":\"#### 1\"}\n{\"question\":\"q2\",\"answer\":\"#### 2\"}\n");
        Files.writeString(
                dir.resolve("b.jsonl"),
                "{\"question\":\"q2\",\"answer\":\"#### 2\"}\n{\"question\":\"q3\",\"answer\":\"#### 3\"}\n");
        Manifest m = IngestStage.run(spark, config(dir.toString(), "dir"), false).manifest();
        assertThat(m.counts())
                .containsEntry("input_rows", 4L)
                .containsEntry("problems", 3L)
                .containsEntry("rejected", 1L);
        assertThat(table("dir", IngestStage.PROBLEMS))
                .extracting(
                        r -> r.<String>getAs("file").replaceAll(".*/", ""), r -> r.getAs("line"))
                .containsExactlyInAnyOrder(
                        tuple("a.jsonl", 1L), tuple("a.jsonl", 2L), tuple("b.jsonl", 2L));
        Row dup = table("dir", IngestStage.REJECTED).get(0);
        assertThat(dup.<String>getAs("file")).endsWith("b.jsonl");
        assertThat(dup.<Long>getAs("line")).isEqualTo(1L);
        assertThat(dup.<String>getAs("reason"))
                .startsWith("duplicate of ")
                .endsWith("a.jsonl line 2");
    }

    @Test
    void aCompleteIngestIsNotReusedOnceItsInputFileChanged() throws Exception {
        Path file = out.resolve("gsm8k_train.jsonl");
        Files.writeString(file, "{\"question\":\"q1\",\"answer\":\"#### 1\"}\n");
        SsbConfig config = config(file.toString(), "edit");
        Manifest first = IngestStage.run(spark, config, false).manifest();
        assertThat(first.inputFiles()).containsOnlyKeys("file:" + file);
        assertThat(first.inputFiles().values()).allMatch(s -> s.startsWith("36 bytes, modified "));
        assertThat(IngestStage.run(spark, config, false).skipped()).isTrue();

        // another problem under the same path: the committed tables no longer describe it
        Files.writeString(
                file,
                "{\"question\":\"q1\",\"answer\":\"#### 1\"}\n"
                        + "{\"question\":\"q2\",\"answer\":\"#### 2\"}\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> IngestStage.run(spark, config, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(
                        "Cannot reuse stage ingest of run edit: its input changed since it was"
                                + " committed")
                .hasMessageContaining("file:" + file + " is 72 bytes, modified ")
                .hasMessageContaining("(was 36 bytes, modified ")
                .hasMessageEndingWith("(use --force to redo it, or another --run-id)");
        assertThat(table("edit", IngestStage.PROBLEMS)).as("left as committed").hasSize(1);

        Manifest forced = IngestStage.run(spark, config, true).manifest();
        assertThat(forced.count("problems")).isEqualTo(2);
        assertThat(IngestStage.run(spark, config, false).skipped())
                .as("reused again once redone")
                .isTrue();
    }

    @Test
    void missingInputFailsBeforeTouchingTheRun() {
        String missing = out.resolve("nope.jsonl").toString();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> IngestStage.run(spark, config(missing, "none"), false))
                .hasMessage("Cannot read problems " + missing + ": no such file or folder");
        assertThat(out.resolve("none")).doesNotExist();
    }

    private Map<Long, String> idsByLine(String runId) {
        return table(runId, IngestStage.PROBLEMS).stream()
                .collect(
                        Collectors.toMap(
                                r -> r.<Long>getAs("line"), r -> r.<String>getAs("problem_id")));
    }
}
