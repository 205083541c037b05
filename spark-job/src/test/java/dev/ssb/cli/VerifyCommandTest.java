package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class VerifyCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = SsbCommand.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        return cmd.execute(args);
    }

    private static List<JsonNode> parse(String jsonl) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : jsonl.split("\n")) {
            if (!line.isBlank()) {
                rows.add(JSON.readTree(line));
            }
        }
        return rows;
    }

    @Test
    void writesEachLineBackWithExtractedAndVerdict() throws Exception {
        Path input = dir.resolve("pairs.jsonl");
        Files.writeString(
                input,
                String.join(
                        "\n",
                        "{\"id\": 1, \"prediction\": \"so the total is \\\\boxed{8,000}.\", \"gold\": \"8000\"}",
                        "{\"id\": 2, \"prediction\": \"3\\\\sqrt{13}\", \"gold\": \"\\\\sqrt{117}\"}",
                        "{\"id\": 3, \"prediction\": \"#### 17\", \"gold\": \"18\"}",
                        "{\"id\": 4, \"prediction\": \"I am not sure.\\nMaybe.\", \"gold\": \"2\"}",
                        "not json at all",
                        "{\"id\": 6, \"prediction\": \"5\"}",
                        "[1, 2]",
                        "",
                        "{\"id\": 8, \"prediction\": 42, \"gold\": \"42\"}"),
                StandardCharsets.UTF_8);

        // a generous bound: this test is about the command, not the speed of a busy machine
        int exit = run("verify", "--input", input.toString(), "--timeout-ms", "10000");

        assertThat(exit).isZero();
        List<JsonNode> rows = parse(out.toString());
        assertThat(rows).hasSize(8);
        assertThat(rows.get(0).get("id").asInt()).isEqualTo(1);
        assertThat(rows.get(0).get("extracted").asText()).isEqualTo("8,000");
        assertThat(rows.get(0).get("verdict").asText()).isEqualTo("CORRECT");
        assertThat(rows.get(1).get("verdict").asText()).isEqualTo("CORRECT");
        assertThat(rows.get(2).get("extracted").asText()).isEqualTo("17");
        assertThat(rows.get(2).get("verdict").asText()).isEqualTo("WRONG");
        assertThat(rows.get(3).get("extracted").isNull()).isTrue();
        assertThat(rows.get(3).get("verdict").asText()).isEqualTo("NO_ANSWER");
        assertThat(rows.get(4).get("verdict").asText()).isEqualTo("INVALID_INPUT");
        assertThat(rows.get(4).get("raw").asText()).isEqualTo("not json at all");
        assertThat(rows.get(4).get("reason").asText()).startsWith("not JSON");
        assertThat(rows.get(5).get("verdict").asText()).isEqualTo("INVALID_INPUT");
        assertThat(rows.get(5).get("reason").asText()).contains("gold");
        assertThat(rows.get(5).get("id").asInt()).isEqualTo(6);
        assertThat(rows.get(6).get("verdict").asText()).isEqualTo("INVALID_INPUT");
        assertThat(rows.get(7).get("verdict").asText()).isEqualTo("CORRECT");
        assertThat(err.toString().strip())
                .isEqualTo("verify: 8 lines {CORRECT=3, INVALID_INPUT=3, NO_ANSWER=1, WRONG=1}");
    }

    @Test
    void writesToTheOutputFileWhenGiven() throws Exception {
        Path input = dir.resolve("in.jsonl");
        Path output = dir.resolve("out.jsonl");
        Files.writeString(
                input, "{\"prediction\": \"\\\\boxed{\\\\frac12}\", \"gold\": \"0.5\"}\n");

        int exit = run("verify", "--input", input.toString(), "--output", output.toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).isEmpty();
        List<JsonNode> rows = parse(Files.readString(output));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("verdict").asText()).isEqualTo("CORRECT");
        assertThat(rows.get(0).get("extracted").asText()).isEqualTo("\\frac12");
        assertThat(err.toString()).contains("CORRECT=1");
    }

    @Test
    void refusesToOverwriteItsInput() throws Exception {
        Path input = dir.resolve("in.jsonl");
        String content = "{\"prediction\": \"\\\\boxed{2}\", \"gold\": \"2\"}\n";
        Files.writeString(input, content);
        Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), input);
        Path otherSpelling = dir.resolve("sub/../in.jsonl");
        Files.createDirectories(dir.resolve("sub"));
        for (Path same : List.of(input, link, otherSpelling)) {
            err.getBuffer().setLength(0);
            int exit = run("verify", "--input", input.toString(), "--output", same.toString());
            assertThat(exit).as(same.toString()).isEqualTo(2);
            assertThat(err.toString())
                    .contains("Invalid --output " + same + ": it is the --input file");
            assertThat(Files.readString(input)).isEqualTo(content);
        }
    }

    @Test
    void aMissingInputIsAUsageError() {
        int exit = run("verify", "--input", dir.resolve("absent.jsonl").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("Cannot read --input");
    }
}
