package dev.ssb.ingest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.util.Optional;

/**
 * Turns one input record (a JSONL line, or a Parquet row rendered as JSON) into a problem or a
 * rejection reason. Pure and serializable: it runs inside executors' tasks.
 */
final class RecordParser implements Serializable {

    /** Strict: {@code {...} {...}} on one line is malformed, not its first object. */
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** A parsed record: either {@code reason} is set, or the problem fields are. */
    record Parsed(String reason, String problemId, String question, String gold, String solution) {
        static Parsed rejected(String reason) {
            return new Parsed(reason, null, null, null, null);
        }

        boolean ok() {
            return reason == null;
        }
    }

    private final DatasetFormat format;
    private final GoldAnswerExtractor gold;

    RecordParser(DatasetFormat format, GoldAnswerExtractor gold) {
        this.format = requireNonNull(format, "format is null");
        this.gold = requireNonNull(gold, "gold is null");
    }

    Parsed parse(String raw) {
        if (raw.startsWith("\uFEFF")) {
            raw = raw.substring(1); // a UTF-8 byte order mark before a file's first line
        }
        if (raw.isBlank()) {
            return Parsed.rejected("empty line");
        }
        JsonNode node;
        try {
            node = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            return Parsed.rejected("malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            return Parsed.rejected("malformed JSON: not an object");
        }
        String questionField = format.questionField();
        String question;
        String answer;
        try {
            question = text(node, questionField, true).orElse(null);
            if (question == null) {
                return Parsed.rejected("missing field: " + questionField);
            }
            if (question.isBlank()) {
                return Parsed.rejected("empty field: " + questionField);
            }
            answer = text(node, "answer", false).orElse(null);
        } catch (IllegalArgumentException e) {
            return Parsed.rejected(e.getMessage());
        }
        String solution = node.path("solution").isTextual() ? node.get("solution").asText() : null;
        Optional<String> goldAnswer;
        switch (format) {
            case GSM8K:
                if (answer == null) {
                    return Parsed.rejected("missing field: answer");
                }
                if (answer.isBlank()) {
                    return Parsed.rejected("empty field: answer");
                }
                goldAnswer = gold.gsm8kFinal(answer);
                if (goldAnswer.isEmpty()) {
                    return Parsed.rejected(
                            "unparseable gold answer: no number after '####' in answer");
                }
                solution = answer; // GSM8K's answer field is the reference solution
                break;
            case MATH:
                if (answer != null && !answer.isBlank()) {
                    goldAnswer = Optional.of(answer.strip());
                } else if (solution != null) {
                    goldAnswer = gold.lastBoxed(solution);
                    if (goldAnswer.isEmpty()) {
                        return Parsed.rejected(
                                "unparseable gold answer: no answer and no \\boxed{} in solution");
                    }
                } else {
                    return Parsed.rejected(
                            answer == null ? "missing field: answer" : "empty field: answer");
                }
                break;
            case AIME:
                if (answer == null) {
                    return Parsed.rejected("missing field: answer");
                }
                if (answer.isBlank()) {
                    return Parsed.rejected("empty field: answer");
                }
                String a = answer.strip();
                if (!a.matches("\\d{1,3}")) {
                    return Parsed.rejected(
                            "unparseable gold answer: '" + a + "' is not an integer 0-999");
                }
                goldAnswer = Optional.of(Integer.toString(Integer.parseInt(a)));
                break;
            default:
                throw new AssertionError(format);
        }
        return new Parsed(
                null,
                ProblemIds.of(format.sourceName(), question),
                question,
                goldAnswer.get(),
                solution);
    }

    /**
     * A string field, or a number rendered as text when {@code stringOnly} is false.
     *
     * @return empty when the field is absent or null
     * @throws IllegalArgumentException "invalid field: x (must be a string)"
     */
    private static Optional<String> text(JsonNode node, String field, boolean stringOnly) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isTextual() || (!stringOnly && value.isNumber())) {
            return Optional.of(value.asText());
        }
        throw new IllegalArgumentException(
                "invalid field: "
                        + field
                        + " (must be a "
                        + (stringOnly ? "string" : "string or number")
                        + ", got "
                        + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                        + ")");
    }
}
