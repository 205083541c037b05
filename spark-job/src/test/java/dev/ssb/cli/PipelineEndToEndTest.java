package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssb.curate.CurateStage;
import dev.ssb.ingest.IngestStage;
import dev.ssb.logits.TeacherLogitsStage;
import dev.ssb.rollout.FakeModelRuntime;
import dev.ssb.rollout.RolloutStage;
import dev.ssb.spark.SharedSpark;
import dev.ssb.table.Manifest;
import dev.ssb.worker.api.ModelWorker;
import dev.ssb.worker.toy.ToyDataset;
import dev.ssb.worker.toy.ToyDifficulty;
import dev.ssb.worker.toy.ToyProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingest → rollout → curate → teacher-logits through the CLI on 30 toy problems, local[2]: once on
 * the embedded toy checkpoint ({@link ModelWorker#EMBEDDED}, whatever it happens to get right), and
 * once on the fake runtime, scripted so that every fate occurs.
 */
class PipelineEndToEndTest {

    private static final int PROBLEMS = 30;
    private static final int K = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;
    private final SparkSession spark = SharedSpark.session();

    private static String run(String... args) {
        return CliRun.ok(args);
    }

    /** Scripts rollouts by problem index: all right, all wrong, never answering, or mixed. */
    private static Map<String, String> script(List<ToyProblem> problems) {
        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < problems.size(); i++) {
            ToyProblem p = problems.get(i);
            String gold = Integer.toString(p.answer());
            String wrong = Integer.toString(p.answer() + 1);
            String other = Integer.toString(p.answer() + 2);
            List<String> answers =
                    switch (i % 5) {
                        case 0 -> List.of(gold);
                        case 1 -> List.of(wrong, other);
                        case 2 -> List.of("-");
                        default -> List.of(gold, wrong, other, "-");
                    };
            FakeModelRuntime.script(p.question(), answers);
            expected.put(
                    p.question(),
                    switch (i % 5) {
                        case 0 -> "all_correct";
                        case 1 -> "all_wrong";
                        case 2 -> "no_answer";
                        default -> "mixed";
                    });
        }
        return expected;
    }

    @Test
    void everyProblemIsAccountedForAndEveryTableHasItsDocumentedSchema() throws Exception {
        List<ToyProblem> toy =
                ToyDataset.generate(41, PROBLEMS, 0, ToyDifficulty.standard()).train();
        Path input = dir.resolve("toy_train.jsonl");
        Files.write(input, toy.stream().map(ToyDataset::toJsonLine).toList());
        Map<String, String> expected = script(toy);
        String[] common = {
            "--out", dir.resolve("runs").toString(),
            "--run-id", "e2e",
            "--model", "fake:toy",
            "--set", "rollout.samples=" + K,
            "--set", "data.partitions=2",
            "--set", "teacher.batch_size=4",
            "--set", "logits.top_k=8"
        };
        run(args("ingest", common, "--problems", input.toString()));
        run(args("rollout", common));
        assertThat(run(args("curate", common))).startsWith("curate done");
        assertThat(run(args("teacher-logits", common))).startsWith("teacher-logits done");

        String root = dir.resolve("runs/e2e").toString();
        Dataset<Row> problems = table(root, IngestStage.PROBLEMS, IngestStage.PROBLEMS_SCHEMA);
        Dataset<Row> rollouts = table(root, RolloutStage.ROLLOUTS, RolloutStage.ROLLOUTS_SCHEMA);
        Dataset<Row> contexts =
                table(root, CurateStage.TEACHER_CONTEXTS, CurateStage.TEACHER_CONTEXTS_SCHEMA);
        Dataset<Row> logits =
                table(
                        root,
                        TeacherLogitsStage.TEACHER_LOGITS,
                        TeacherLogitsStage.TEACHER_LOGITS_SCHEMA);

        assertThat(problems.count()).isEqualTo(PROBLEMS);
        assertThat(rollouts.count()).isEqualTo(PROBLEMS * K);
        assertThat(contexts.count()).isEqualTo(PROBLEMS);
        assertThat(ids(contexts)).isEqualTo(ids(problems));

        Map<String, String> question =
                problems.collectAsList().stream()
                        .collect(
                                Collectors.toMap(
                                        r -> r.getAs("problem_id"), r -> r.getAs("question")));
        Map<String, long[]> verdicts = new HashMap<>();
        for (Row r : rollouts.collectAsList()) {
            long[] c = verdicts.computeIfAbsent(r.getAs("problem_id"), k -> new long[2]);
            c[0] += "CORRECT".equals(r.getAs("verdict")) ? 1 : 0;
            c[1] += "WRONG".equals(r.getAs("verdict")) ? 1 : 0;
        }
        int accepted = 0;
        for (Row r : contexts.collectAsList()) {
            String id = r.getAs("problem_id");
            long[] c = verdicts.get(id);
            String reason = r.getAs("reject_reason");
            String expectedFate =
                    c[0] > 0 && c[1] > 0
                            ? "teacher"
                            : c[0] > 0 ? "all_correct" : c[1] > 0 ? "all_wrong" : "no_answer";
            if (expectedFate.equals("teacher")) {
                assertThat(reason).as(id).isIn(null, "teacher_wrong", "teacher_truncated");
                accepted += reason == null ? 1 : 0;
            } else {
                assertThat(reason).as(id).isEqualTo(expectedFate);
            }
            String scripted = expected.get(question.get(id));
            if (!scripted.equals("mixed")) {
                assertThat(reason).as(id).isEqualTo(scripted);
            }
            assertThat(r.<Integer>getAs("n_correct")).isEqualTo((int) c[0]);
            assertThat(r.<Integer>getAs("n_wrong")).isEqualTo((int) c[1]);
        }
        assertThat(accepted).isPositive();

        assertThat(ids(logits))
                .isEqualTo(ids(contexts.filter(contexts.col("accepted"))))
                .hasSize(accepted);
        for (Row r : logits.collectAsList()) {
            int n = r.getAs("reply_len");
            assertThat(r.getList(r.fieldIndex("reply_ids"))).hasSize(n);
            assertThat(r.getList(r.fieldIndex("topk_ids"))).hasSize(n * 8);
            assertThat(r.getList(r.fieldIndex("logsumexp"))).hasSize(n);
        }

        Manifest curate = manifest(root, CurateStage.TEACHER_CONTEXTS);
        long accounted =
                curate.count("accepted")
                        + CurateStage.REJECT_REASONS.stream().mapToLong(curate::count).sum();
        assertThat(accounted).isEqualTo(PROBLEMS);
        assertThat(curate.count("accepted")).isEqualTo(accepted);
        assertThat(manifest(root, TeacherLogitsStage.TEACHER_LOGITS).count("teacher_logits"))
                .isEqualTo(accepted);
        assertThat(run(args("curate", common))).contains("already complete");
    }

    @Test
    void theEmbeddedModelAccountsForEveryProblemInDocumentedTables() throws Exception {
        List<ToyProblem> toy =
                ToyDataset.generate(43, PROBLEMS, 0, ToyDifficulty.embedded()).train();
        Path input = dir.resolve("embedded_train.jsonl");
        Files.write(input, toy.stream().map(ToyDataset::toJsonLine).toList());
        String[] common = {
            "--out", dir.resolve("runs").toString(),
            "--run-id", "embedded",
            "--model", ModelWorker.EMBEDDED,
            "--set", "rollout.samples=" + K,
            "--set", "rollout.max_new_tokens=160",
            "--set", "teacher.max_new_tokens=200",
            "--set", "data.partitions=2",
            "--set", "logits.top_k=8"
        };
        run(args("ingest", common, "--problems", input.toString()));
        run(args("rollout", common));
        run(args("curate", common));
        run(args("teacher-logits", common));

        String root = dir.resolve("runs/embedded").toString();
        Dataset<Row> problems = table(root, IngestStage.PROBLEMS, IngestStage.PROBLEMS_SCHEMA);
        Dataset<Row> rollouts = table(root, RolloutStage.ROLLOUTS, RolloutStage.ROLLOUTS_SCHEMA);
        Dataset<Row> contexts =
                table(root, CurateStage.TEACHER_CONTEXTS, CurateStage.TEACHER_CONTEXTS_SCHEMA);
        Dataset<Row> logits =
                table(
                        root,
                        TeacherLogitsStage.TEACHER_LOGITS,
                        TeacherLogitsStage.TEACHER_LOGITS_SCHEMA);
        assertThat(problems.count()).isEqualTo(PROBLEMS);
        assertThat(rollouts.count()).isEqualTo(PROBLEMS * K);
        assertThat(rollouts.select("model_id").distinct().collectAsList())
                .extracting(r -> r.getString(0))
                .containsExactly(ModelWorker.EMBEDDED);
        assertThat(ids(contexts)).isEqualTo(ids(problems));
        assertThat(ids(logits)).isEqualTo(ids(contexts.filter(contexts.col("accepted"))));
        Manifest curate = manifest(root, CurateStage.TEACHER_CONTEXTS);
        assertThat(
                        curate.count("accepted")
                                + CurateStage.REJECT_REASONS.stream()
                                        .mapToLong(curate::count)
                                        .sum())
                .isEqualTo(PROBLEMS);
    }

    /**
     * A GSM8K-shaped file whose last question is far longer than the embedded model's context
     * (2,048 positions): every stage finishes, the long problem gets PROMPT_TOO_LONG in rollout and
     * evaluate (and a non-answer fate in curate), counted in the manifests, and every other row is
     * complete.
     */
    @Test
    void oneQuestionLongerThanTheContextGetsItsOwnFateAndTheOtherRowsFinish() throws Exception {
        List<ToyProblem> toy = ToyDataset.generate(47, 4, 0, ToyDifficulty.embedded()).train();
        ObjectNode longRow = (ObjectNode) JSON.readTree(ToyDataset.toJsonLine(toy.get(0)));
        String longQuestion = (toy.get(1).question() + " ").repeat(200); // > 2,048 tokens
        longRow.put("question", longQuestion);
        List<String> lines = new ArrayList<>(toy.stream().map(ToyDataset::toJsonLine).toList());
        lines.add(JSON.writeValueAsString(longRow));
        Path input = dir.resolve("gsm8k_long_train.jsonl");
        Files.write(input, lines);
        int k = 2;
        String[] common = {
            "--out", dir.resolve("runs").toString(),
            "--run-id", "long",
            "--model", ModelWorker.EMBEDDED,
            "--set", "rollout.samples=" + k,
            "--set", "rollout.max_new_tokens=48",
            "--set", "teacher.max_new_tokens=48",
            "--set", "eval.samples=" + k,
            "--set", "eval.max_new_tokens=48",
            "--set", "model.batch_tokens=400",
            "--set", "data.partitions=1",
            "--set", "logits.top_k=4"
        };
        run(args("ingest", common, "--problems", input.toString()));
        run(args("rollout", common));
        run(args("curate", common));
        run(args("teacher-logits", common));
        run(args("evaluate", common, "--problems", input.toString()));

        String root = dir.resolve("runs/long").toString();
        Dataset<Row> problems = table(root, IngestStage.PROBLEMS, IngestStage.PROBLEMS_SCHEMA);
        assertThat(problems.count()).isEqualTo(toy.size() + 1);
        String longId =
                problems.filter(problems.col("question").equalTo(longQuestion))
                        .select("problem_id")
                        .first()
                        .getString(0);
        Dataset<Row> rollouts = table(root, RolloutStage.ROLLOUTS, RolloutStage.ROLLOUTS_SCHEMA);
        List<Row> cut = rollouts.filter(rollouts.col("problem_id").equalTo(longId)).collectAsList();
        assertThat(cut).hasSize(k);
        for (Row r : cut) {
            assertThat(r.<String>getAs("finish_reason")).isEqualTo("PROMPT_TOO_LONG");
            assertThat(r.<String>getAs("verdict")).isEqualTo("PROMPT_TOO_LONG");
            assertThat(r.<Integer>getAs("num_tokens")).isZero();
        }
        List<Row> others =
                rollouts.filter(rollouts.col("problem_id").notEqual(longId)).collectAsList();
        assertThat(others).hasSize(toy.size() * k);
        assertThat(others)
                .allSatisfy(
                        r -> {
                            assertThat(r.<String>getAs("finish_reason")).isIn("STOP", "LENGTH");
                            assertThat(r.<Integer>getAs("num_tokens")).isPositive();
                        });
        assertThat(manifest(root, RolloutStage.ROLLOUTS).count("prompt_too_long")).isEqualTo(k);

        Dataset<Row> contexts =
                table(root, CurateStage.TEACHER_CONTEXTS, CurateStage.TEACHER_CONTEXTS_SCHEMA);
        assertThat(ids(contexts)).isEqualTo(ids(problems));
        Row longContext = contexts.filter(contexts.col("problem_id").equalTo(longId)).first();
        assertThat(longContext.<Boolean>getAs("accepted")).isFalse();
        assertThat(longContext.<String>getAs("reject_reason")).isEqualTo("no_answer");
        Manifest curate = manifest(root, CurateStage.TEACHER_CONTEXTS);
        assertThat(
                        curate.count("accepted")
                                + CurateStage.REJECT_REASONS.stream()
                                        .mapToLong(curate::count)
                                        .sum())
                .isEqualTo(toy.size() + 1);
        Dataset<Row> logits =
                table(
                        root,
                        TeacherLogitsStage.TEACHER_LOGITS,
                        TeacherLogitsStage.TEACHER_LOGITS_SCHEMA);
        assertThat(ids(logits)).isEqualTo(ids(contexts.filter(contexts.col("accepted"))));

        Dataset<Row> samples = spark.read().parquet(root + "/eval/samples");
        List<Row> unanswered =
                samples.filter(samples.col("problem_id").equalTo(longId)).collectAsList();
        assertThat(unanswered).as("k sampled replies and one greedy").hasSize(k + 1);
        assertThat(unanswered)
                .allSatisfy(
                        r -> {
                            assertThat(r.<String>getAs("verdict")).isEqualTo("PROMPT_TOO_LONG");
                            assertThat(r.<String>getAs("extracted_answer")).isNull();
                        });
        assertThat(samples.filter(samples.col("problem_id").notEqual(longId)).count())
                .isEqualTo(toy.size() * (k + 1L));
        assertThat(
                        Manifest.fromJson(
                                        Files.readAllBytes(
                                                Path.of(root, "eval/samples/_ssb_manifest.json")))
                                .count("base_prompt_too_long"))
                .isEqualTo(k);
    }

    private Dataset<Row> table(String root, String name, StructType documented) {
        Dataset<Row> table = spark.read().parquet(root + "/" + name);
        assertThat(shape(table.schema())).as(name).isEqualTo(shape(documented));
        return table;
    }

    private static List<String> shape(StructType schema) {
        return Arrays.stream(schema.fields())
                .map((StructField f) -> f.name() + " " + f.dataType().simpleString())
                .toList();
    }

    private static List<String> ids(Dataset<Row> table) {
        return table.select("problem_id").collectAsList().stream()
                .map(r -> r.getString(0))
                .sorted()
                .toList();
    }

    private static Manifest manifest(String root, String table) throws Exception {
        return Manifest.fromJson(Files.readAllBytes(Path.of(root, table, "_ssb_manifest.json")));
    }

    /** {@code command}, then the flags every stage shares, then {@code extra}. */
    private static String[] args(String command, String[] common, String... extra) {
        String[] all = new String[1 + common.length + extra.length];
        all[0] = command;
        System.arraycopy(common, 0, all, 1, common.length);
        System.arraycopy(extra, 0, all, 1 + common.length, extra.length);
        return all;
    }
}
