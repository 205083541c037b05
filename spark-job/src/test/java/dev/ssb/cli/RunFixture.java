package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.distill.StepMetrics;
import dev.ssb.spark.SharedSpark;
import dev.ssb.table.Manifest;
import dev.ssb.table.RunLayout;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.ModelConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * A small run folder with every table a user queries: ingest, rollout, curate, teacher-logits and
 * evaluate (base and a LoRA student) run through the CLI on the fake runtime; {@code
 * train_metrics}, which needs the real runtime, is hand-made with its documented schema and a
 * manifest, and {@code adapter} is a committed folder without Parquet.
 */
final class RunFixture {

    static final String RUN_ID = "fx";
    static final int PROBLEMS = 6;
    static final int SAMPLES = 4;
    static final int STEPS = 5;

    private static Path shared;

    private RunFixture() {}

    /**
     * One run per test JVM, shared by the test classes that only read it, deleted when the JVM
     * exits.
     */
    static synchronized Path shared() throws Exception {
        if (shared == null) {
            Path dir = Files.createTempDirectory("ssb-run-fixture");
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(
                                    () -> {
                                        try (var files = Files.walk(dir)) {
                                            files.sorted(java.util.Comparator.reverseOrder())
                                                    .forEach(f -> f.toFile().delete());
                                        } catch (java.io.IOException e) {
                                            // best effort: a temp folder
                                        }
                                    }));
            shared = create(dir);
        }
        return shared;
    }

    /** Builds the run under {@code dir} and returns its run folder. */
    static Path create(Path dir) throws Exception {
        SparkSession spark = SharedSpark.session();
        Path problems = dir.resolve("fx_train.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < PROBLEMS; i++) {
            lines.add(
                    String.format(
                            "{\"question\": \"Ann has %d apples and gets %d more. How many now?\","
                                    + " \"answer\": \"%d + %d = 7 #### 7\"}",
                            i, 7 - i, i, 7 - i));
        }
        lines.add("{\"question\": \"no answer here\"}");
        Files.write(problems, lines);
        Path prompt = dir.resolve("system.txt");
        Files.writeString(prompt, "End with \\boxed{answer}.\n");
        String out = dir.resolve("runs").toString();
        String[] common = {
            "--out",
            out,
            "--run-id",
            RUN_ID,
            "--model",
            "fake:toy",
            "--set",
            "rollout.samples=" + SAMPLES,
            "--set",
            "teacher.batch_size=4",
            "--set",
            "logits.top_k=4",
            "--set",
            "eval.samples=2",
            "--set",
            "prompts.system=" + prompt
        };
        run(concat(new String[] {"ingest", "--problems", problems.toString()}, common));
        run(concat(new String[] {"rollout"}, common));
        run(concat(new String[] {"curate"}, common));
        run(concat(new String[] {"teacher-logits"}, common));
        Path adapter = adapter(dir.resolve("runs/" + RUN_ID + "/adapter"));
        run(
                concat(
                        new String[] {
                            "evaluate",
                            "--problems",
                            problems.toString(),
                            "--adapter",
                            adapter.toString()
                        },
                        common));
        trainMetrics(spark, new RunLayout(out, RUN_ID));
        return dir.resolve("runs").resolve(RUN_ID);
    }

    private static Path adapter(Path dir) throws Exception {
        ModelConfig fake =
                new ModelConfig(
                        "qwen2",
                        8,
                        16,
                        1,
                        2,
                        1,
                        4,
                        10000,
                        1e-6,
                        0x110000,
                        true,
                        true,
                        64,
                        -1,
                        List.of(0));
        LoraAdapter.initialize(new LoraConfig(2, 4f, List.of("q_proj")), fake, 1).save(dir);
        Files.write(dir.resolve(RunLayout.MANIFEST), manifest("distill", "adapter").toJson());
        return dir;
    }

    /** A decreasing KD loss over {@link #STEPS} steps, two per epoch. */
    private static void trainMetrics(SparkSession spark, RunLayout layout) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int step = 1; step <= STEPS; step++) {
            double kd = 2.0 / step;
            rows.add(
                    RowFactory.create(
                            step,
                            (step - 1) / 2,
                            kd,
                            kd,
                            0.0,
                            1.0,
                            2e-4,
                            100L,
                            4,
                            25.0,
                            1,
                            10L,
                            2048L,
                            RUN_ID,
                            "h"));
        }
        String path = layout.tablePath("train_metrics").toString();
        spark.createDataFrame(rows, StepMetrics.SCHEMA).coalesce(1).write().parquet(path);
        Files.write(
                Path.of(path, RunLayout.MANIFEST), manifest("distill", "train_metrics").toJson());
    }

    private static Manifest manifest(String stage, String table) {
        return new Manifest(
                stage,
                table,
                RUN_ID,
                "h",
                "h",
                "fake:toy",
                List.of("teacher_logits"),
                Map.of(table, (long) STEPS),
                "2026-01-01T00:00:00Z",
                "2026-01-01T00:00:01Z",
                1000,
                new TreeMap<>(),
                new TreeMap<>(),
                new TreeMap<>());
    }

    private static void run(String... args) {
        picocli.CommandLine cli = SsbCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute(args)).as("%s: %s", args[0], err).isZero();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
