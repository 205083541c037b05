package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.spark.SharedSpark;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.ModelConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvaluateCommandTest {

    @TempDir Path dir;

    @Test
    void evaluatesBaseAndStudentAndPrintsTheComparison() throws Exception {
        SharedSpark.session();
        Path heldOut = dir.resolve("heldout_test.jsonl");
        Files.writeString(
                heldOut,
                "{\"question\": \"What is 3 + 4?\", \"answer\": \"#### 7\"}\n"
                        + "{\"question\": \"What is 4 + 5?\", \"answer\": \"#### 9\"}\n");
        Path prompt = dir.resolve("system.txt");
        Files.writeString(prompt, "End with \\boxed{answer}.\n");
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
        Path adapter = dir.resolve("student");
        LoraAdapter.initialize(new LoraConfig(2, 4f, List.of("q_proj")), fake, 1).save(adapter);

        CommandLine cli = SsbCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code =
                cli.execute(
                        "evaluate",
                        "--problems",
                        heldOut.toString(),
                        "--model",
                        "fake:tutor",
                        "--adapter",
                        adapter.toString(),
                        "--out",
                        dir.resolve("runs").toString(),
                        "--run-id",
                        "r1",
                        "--set",
                        "prompts.system=" + prompt,
                        "--set",
                        "eval.samples=2");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("evaluate done")
                .contains(
                        "| model | problems | greedy pass@1 (95% CI) | sampled pass@1, n = 2 (95%"
                                + " CI) | maj@2 (95% CI) |")
                .contains("| base | 2 |")
                .contains("| student | 2 | 50.0% (")
                .contains("| student − base | 2 |")
                .contains("summary.json");
        JsonNode manifest =
                new ObjectMapper()
                        .readTree(dir.resolve("runs/r1/eval/samples/_ssb_manifest.json").toFile());
        assertThat(manifest.at("/config/eval.problems").asText()).isEqualTo(heldOut.toString());
        assertThat(manifest.at("/config/data.problems").asText())
                .as("--problems names the held-out set")
                .isEmpty();
        StringWriter help = new StringWriter();
        cli.setOut(new PrintWriter(help));
        assertThat(cli.execute("evaluate", "--help")).isZero();
        assertThat(help.toString())
                .contains("--adapter=DIR", "--tag=NAME", "--problems")
                .contains("with 95% intervals"); // not the raw format string
    }
}
