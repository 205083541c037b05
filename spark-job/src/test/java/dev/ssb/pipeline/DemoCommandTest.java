package dev.ssb.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.cli.SsbCommand;
import dev.ssb.spark.SharedSpark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A demo-shaped run through the CLI on local[2]: toy data, every stage, the comparison table. */
class DemoCommandTest {

    private static final long TOY_SEED = 11;

    @TempDir Path tmp;

    @Test
    void demoWritesToyDataRunsEveryStageAndPrintsTheComparison() throws Exception {
        SharedSpark.session();
        Path model = TinyPipeline.demoCheckpoint(tmp, TOY_SEED, 10, 6, false);
        Path runs = tmp.resolve("runs");
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "demo",
                                "--out",
                                runs.toString(),
                                "--model",
                                model.toString(),
                                "--train",
                                "10",
                                "--test",
                                "6",
                                "--toy-seed",
                                Long.toString(TOY_SEED)));
        args.addAll(TinyPipeline.flags());
        String out = RunPipelineTest.run(args.toArray(String[]::new));

        Path run = runs.resolve("demo");
        // the embedded model's own splits: its training problems and its held-out prefix
        for (String file : List.of("train.jsonl", "test.jsonl")) {
            assertThat(run.resolve("toy-data").resolve(file))
                    .hasSameBinaryContentAs(tmp.resolve("demo-splits").resolve(file));
        }
        assertThat(Files.readAllLines(run.resolve("toy-data/train.jsonl"))).hasSize(10);
        assertThat(Files.readAllLines(run.resolve("toy-data/test.jsonl"))).hasSize(6);
        for (String stage : RunPipeline.STAGES) {
            assertThat(out).contains("demo " + stage + ": done");
        }
        assertThat(out)
                .contains("Base vs student on 6 held-out toy problems")
                .contains("| base", "| student")
                .contains(run.resolve("eval/summary.md").toString())
                .contains(run.resolve("distill/training.png").toString());
        assertThat(run.resolve("distill/training.png")).isRegularFile();
        JsonNode summary = new ObjectMapper().readTree(run.resolve("eval/summary.json").toFile());
        assertThat(summary.at("/models/base/problems").asInt()).isEqualTo(6);
        assertThat(summary.at("/models/student/pass_at_1/estimate").asDouble()).isEqualTo(1.0);
        // the demo's own defaults sit under the flags: its schedule, and the flag's lr over its
        // 1e-3
        JsonNode distilled =
                new ObjectMapper()
                        .readTree(run.resolve("train_metrics/_ssb_manifest.json").toFile())
                        .get("config");
        assertThat(distilled.get("distill.schedule").asText()).isEqualTo("cosine");
        assertThat(distilled.get("distill.warmup_steps").asText()).isEqualTo("50");
        assertThat(distilled.get("distill.lr").asDouble()).isEqualTo(0.01);
        // one gradient worker, 16 steps per Spark job (exact with one worker)
        assertThat(distilled.get("distill.workers").asText()).isEqualTo("1");
        assertThat(distilled.get("distill.sync_every").asText()).isEqualTo("16");
    }

    @Test
    void demoRefusesProblemsOfItsOwn() {
        CommandLine cli = SsbCommand.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        int code = cli.execute("demo", "--problems", "x.jsonl", "--out", tmp.toString());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString())
                .contains("Invalid --problems for demo: the demo writes its own toy problems");
        assertThat(cli.execute("demo", "--test", "0", "--out", tmp.toString())).isEqualTo(1);
        assertThat(
                        cli.execute(
                                "demo",
                                "--eval-split",
                                "dev",
                                "--test",
                                "501",
                                "--out",
                                tmp.toString()))
                .isEqualTo(1);
        assertThat(err.toString()).contains("test 501 (must be in [0, 500] for the dev split)");
    }
}
