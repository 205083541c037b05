package dev.ssb.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecordParserTest {

    private static final SimpleGoldAnswerExtractor GOLD = new SimpleGoldAnswerExtractor();

    private static RecordParser.Parsed parse(DatasetFormat format, String json) {
        return new RecordParser(format, GOLD).parse(json);
    }

    @Test
    void gsm8kGoldIsTheNumberAfterTheLastMarkWithoutThousandsSeparators() {
        RecordParser.Parsed p =
                parse(
                        DatasetFormat.GSM8K,
                        "{\"question\":\"q\",\"answer\":\"a #### 3\\n#### 1,200\"}");
        assertThat(p.ok()).isTrue();
        assertThat(p.gold()).isEqualTo("1200");
        assertThat(p.solution()).isEqualTo("a #### 3\n#### 1,200");
        assertThat(p.problemId()).isEqualTo(ProblemIds.of("gsm8k", "q"));
        assertThat(
                        parse(DatasetFormat.GSM8K, "{\"question\":\"q\",\"answer\":\"#### -2.5\"}")
                                .gold())
                .isEqualTo("-2.5");
        assertThat(
                        parse(
                                        DatasetFormat.GSM8K,
                                        "{\"question\":\"q\",\"answer\":\"#### 12 apples\"}")
                                .reason())
                .startsWith("unparseable gold answer");
    }

    @Test
    void mathGoldPrefersAnswerElseLastBoxedWithNestedBraces() {
        assertThat(
                        parse(
                                        DatasetFormat.MATH,
                                        "{\"problem\":\"p\",\"solution\":\"\\\\boxed{1}\",\"answer\":\" 7 \"}")
                                .gold())
                .isEqualTo("7");
        RecordParser.Parsed boxed =
                parse(
                        DatasetFormat.MATH,
                        "{\"problem\":\"p\",\"solution\":\"so \\\\boxed{2} then \\\\boxed{\\\\frac{1}{2}}.\"}");
        assertThat(boxed.gold()).isEqualTo("\\frac{1}{2}");
        assertThat(
                        parse(DatasetFormat.MATH, "{\"problem\":\"p\",\"solution\":\"no box\"}")
                                .reason())
                .isEqualTo("unparseable gold answer: no answer and no \\boxed{} in solution");
        assertThat(parse(DatasetFormat.MATH, "{\"problem\":\"p\"}").reason())
                .isEqualTo("missing field: answer");
    }

    @Test
    void aimeGoldIsAnIntegerAndMayBeAJsonNumber() {
        assertThat(parse(DatasetFormat.AIME, "{\"problem\":\"p\",\"answer\":\"033\"}").gold())
                .isEqualTo("33");
        assertThat(parse(DatasetFormat.AIME, "{\"problem\":\"p\",\"answer\":204}").gold())
                .isEqualTo("204");
        assertThat(parse(DatasetFormat.AIME, "{\"problem\":\"p\",\"answer\":\"x+1\"}").reason())
                .isEqualTo("unparseable gold answer: 'x+1' is not an integer 0-999");
        assertThat(parse(DatasetFormat.AIME, "{\"problem\":\"p\",\"answer\":\"\"}").reason())
                .isEqualTo("empty field: answer");
    }

    @Test
    void namesEachDefect() {
        assertThat(parse(DatasetFormat.GSM8K, "{\"question\":").reason())
                .startsWith("malformed JSON: ");
        assertThat(parse(DatasetFormat.GSM8K, "\"just a string\"").reason())
                .isEqualTo("malformed JSON: not an object");
        assertThat(parse(DatasetFormat.GSM8K, " ").reason()).isEqualTo("empty line");
        assertThat(
                        parse(
                                        DatasetFormat.GSM8K,
                                        "{\"question\":\"a\",\"answer\":\"#### 1\"}"
                                                + " {\"question\":\"b\",\"answer\":\"#### 2\"}")
                                .reason())
                .as("two records on one line")
                .startsWith("malformed JSON: ");
        assertThat(
                        parse(
                                        DatasetFormat.GSM8K,
                                        "\uFEFF{\"question\":\"a\",\"answer\":\"#### 1\"}")
                                .ok())
                .isTrue();
        assertThat(parse(DatasetFormat.GSM8K, "{\"answer\":\"#### 1\"}").reason())
                .isEqualTo("missing field: question");
        assertThat(parse(DatasetFormat.GSM8K, "{\"question\":null,\"answer\":\"#### 1\"}").reason())
                .isEqualTo("missing field: question");
        assertThat(parse(DatasetFormat.GSM8K, "{\"question\":{},\"answer\":\"#### 1\"}").reason())
                .isEqualTo("invalid field: question (must be a string, got object)");
    }

    @Test
    void problemIdsIgnoreLayoutButNotContent() {
        assertThat(ProblemIds.of("math", "What is  1+1?\n"))
                .isEqualTo(ProblemIds.of("math", " What is 1+1?"))
                .matches("math:[0-9a-f]{16}");
        assertThat(ProblemIds.of("math", "What is 1+2?"))
                .isNotEqualTo(ProblemIds.of("math", "What is 1+1?"));
        assertThat(ProblemIds.of("aime", "q")).isNotEqualTo(ProblemIds.of("math", "q"));
    }

    @Test
    void detectsFormatsFromFieldsThenName() {
        assertThat(DatasetFormat.detect(List.of("question", "answer"), "x.jsonl"))
                .isEqualTo(DatasetFormat.GSM8K);
        assertThat(
                        DatasetFormat.detect(
                                List.of(
                                        "problem",
                                        "solution",
                                        "answer",
                                        "subject",
                                        "level",
                                        "unique_id"),
                                "x.jsonl"))
                .isEqualTo(DatasetFormat.MATH);
        assertThat(
                        DatasetFormat.detect(
                                List.of("id", "problem", "question", "solution", "answer", "url"),
                                "aime24_test.jsonl"))
                .isEqualTo(DatasetFormat.AIME);
        assertThat(DatasetFormat.detect(List.of("problem", "answer"), "x.jsonl"))
                .isEqualTo(DatasetFormat.AIME);
    }
}
