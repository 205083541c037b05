package dev.ssb.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssb.worker.api.AnswerVerifier;
import dev.ssb.worker.api.Verification;
import dev.ssb.worker.api.VerifierConfig;
import java.io.BufferedReader;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ssb verify}: checks JSONL lines of {@code prediction} (a completion or a bare answer) and
 * {@code gold}, writing each line back with {@code extracted} and {@code verdict} added.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Verify predictions against gold answers (math equivalence).",
            "Reads JSONL lines with 'prediction' and 'gold'; writes each line back with"
                    + " 'extracted', 'verdict' and 'reason'. Malformed lines get verdict"
                    + " INVALID_INPUT. A summary of the verdicts goes to stderr."
        })
public final class VerifyCommand implements Callable<Integer> {

    static final String INVALID_INPUT = "INVALID_INPUT";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", required = true, description = "JSONL file to read.")
    Path input;

    @Option(names = "--output", description = "JSONL file to write (default: stdout).")
    Path output;

    @Option(
            names = "--timeout-ms",
            defaultValue = "100",
            description = "Bound of one check in milliseconds (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(
            names = "--answer-is-phrase",
            description = "Also extract \"the answer is X\" when there is no box and no ####.")
    boolean answerIsPhrase;

    @Override
    public Integer call() throws IOException {
        if (timeoutMs <= 0) {
            throw new ParameterException(
                    spec.commandLine(), "Invalid --timeout-ms: " + timeoutMs + " (must be > 0)");
        }
        refuseInPlace();
        VerifierConfig config =
                VerifierConfig.defaults()
                        .withTimeout(Duration.ofMillis(timeoutMs))
                        .withAnswerIsPhrase(answerIsPhrase);
        Map<String, Integer> counts = new TreeMap<>();
        int lines = 0;
        try (AnswerVerifier verifier = AnswerVerifier.create(config);
                BufferedReader in = openInput();
                Writer out = openOutput()) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                lines++;
                ObjectNode result = check(verifier, line, lines);
                counts.merge(result.get("verdict").asText(), 1, Integer::sum);
                out.write(JSON.writeValueAsString(result));
                out.write('\n');
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("verify: " + lines + " lines " + counts);
        err.flush();
        return 0;
    }

    static ObjectNode check(AnswerVerifier verifier, String line, int lineNumber) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            ObjectNode invalid = JSON.createObjectNode();
            invalid.put("line", lineNumber);
            invalid.put("raw", line);
            return invalid(invalid, "not JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode row)) {
            ObjectNode invalid = JSON.createObjectNode();
            invalid.put("line", lineNumber);
            invalid.set("raw", node);
            return invalid(invalid, "not a JSON object");
        }
        JsonNode prediction = row.get("prediction");
        JsonNode gold = row.get("gold");
        if (prediction == null || !(prediction.isTextual() || prediction.isNumber())) {
            return invalid(row, "missing or non-text field 'prediction'");
        }
        if (gold == null || !(gold.isTextual() || gold.isNumber())) {
            return invalid(row, "missing or non-text field 'gold'");
        }
        Verification v = verifier.verifyPrediction(prediction.asText(), gold.asText());
        row.put("extracted", v.extracted());
        row.put("verdict", v.verdict().name());
        row.put("reason", v.reason());
        return row;
    }

    private static ObjectNode invalid(ObjectNode row, String reason) {
        row.putNull("extracted");
        row.put("verdict", INVALID_INPUT);
        row.put("reason", reason);
        return row;
    }

    /**
     * Opening --output truncates it before a line of --input is read: the same file (also through a
     * symbolic link, a hard link or another spelling of the path) would be lost.
     */
    private void refuseInPlace() throws IOException {
        if (output != null
                && Files.exists(output)
                && Files.exists(input)
                && Files.isSameFile(input, output)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "Invalid --output "
                            + output
                            + ": it is the --input file "
                            + input.toRealPath()
                            + " (writing it would erase the input); choose another file");
        }
    }

    private BufferedReader openInput() {
        try {
            // malformed UTF-8 becomes U+FFFD instead of failing the whole file
            return new BufferedReader(
                    new InputStreamReader(Files.newInputStream(input), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ParameterException(
                    spec.commandLine(), "Cannot read --input " + input + ": " + e);
        }
    }

    private Writer openOutput() throws IOException {
        if (output == null) {
            // stdout belongs to the caller: flush, never close it
            PrintWriter stdout = spec.commandLine().getOut();
            return new FilterWriter(stdout) {
                @Override
                public void close() {
                    stdout.flush();
                }
            };
        }
        return Files.newBufferedWriter(output, StandardCharsets.UTF_8);
    }
}
