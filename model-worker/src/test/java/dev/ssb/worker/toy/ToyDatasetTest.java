package dev.ssb.worker.toy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToyDatasetTest {

    private static final Pattern LINE = Pattern.compile("(\\d+) ([-+*/]) (\\d+) = (\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    @Test
    void sameSeedWritesByteIdenticalFiles() throws IOException {
        ToyDataset.write(tmp.resolve("a"), 9, 300, 100, ToyDifficulty.standard());
        ToyDataset.write(tmp.resolve("b"), 9, 300, 100, ToyDifficulty.standard());
        ToyDataset.write(tmp.resolve("c"), 10, 300, 100, ToyDifficulty.standard());
        for (String file : List.of(ToyDataset.TRAIN_FILE, ToyDataset.TEST_FILE)) {
            byte[] a = Files.readAllBytes(tmp.resolve("a").resolve(file));
            assertThat(a).isEqualTo(Files.readAllBytes(tmp.resolve("b").resolve(file)));
            assertThat(a).isNotEqualTo(Files.readAllBytes(tmp.resolve("c").resolve(file)));
        }
    }

    @Test
    void writtenSolutionsReEvaluateToTheStoredAnswer() throws IOException {
        ToyDataset.write(tmp, 5, 2000, 500, ToyDifficulty.standard());
        List<JsonNode> rows = new ArrayList<>();
        rows.addAll(read(tmp.resolve(ToyDataset.TRAIN_FILE)));
        rows.addAll(read(tmp.resolve(ToyDataset.TEST_FILE)));
        assertThat(rows).hasSize(2500);
        for (JsonNode row : rows) {
            assertThat(row.size()).as("only question and answer").isEqualTo(2);
            String[] lines = row.get("answer").asText().split("\n", -1);
            assertThat(lines.length).isBetween(3, 5);
            long previous = -1;
            for (int i = 0; i < lines.length - 1; i++) {
                Matcher m = LINE.matcher(lines[i]);
                assertThat(m.matches()).as(lines[i]).isTrue();
                long a = Long.parseLong(m.group(1));
                long b = Long.parseLong(m.group(3));
                long c = Long.parseLong(m.group(4));
                long expected =
                        switch (m.group(2)) {
                            case "+" -> a + b;
                            case "-" -> a - b;
                            case "*" -> a * b;
                            default -> a % b == 0 ? a / b : -1;
                        };
                assertThat(c).as(lines[i]).isEqualTo(expected);
                if (i > 0) {
                    assertThat(a).as("chained from the previous line").isEqualTo(previous);
                }
                previous = c;
            }
            assertThat(lines[lines.length - 1]).isEqualTo("#### " + previous);
        }
    }

    @Test
    void rowsMatchTheGeneratedProblems() throws IOException {
        ToyDataset.Splits splits = ToyDataset.write(tmp, 6, 50, 20, ToyDifficulty.standard());
        List<JsonNode> test = read(tmp.resolve(ToyDataset.TEST_FILE));
        for (int i = 0; i < test.size(); i++) {
            ToyProblem p = splits.test().get(i);
            assertThat(test.get(i).get("question").asText()).isEqualTo(p.question());
            assertThat(ToySolutions.gsm8kAnswer(test.get(i).get("answer").asText()))
                    .hasValue(p.answer());
            assertThat(p.id()).isEqualTo(String.format("toy-test-%05d", i));
        }
    }

    @Test
    void splitsAreDisjointAndDuplicateFree() throws IOException {
        ToyDataset.write(tmp, 7, 3000, 1000, ToyDifficulty.standard());
        Set<String> train = new HashSet<>();
        for (JsonNode row : read(tmp.resolve(ToyDataset.TRAIN_FILE))) {
            assertThat(train.add(row.get("question").asText())).isTrue();
        }
        Set<String> test = new HashSet<>();
        for (JsonNode row : read(tmp.resolve(ToyDataset.TEST_FILE))) {
            assertThat(test.add(row.get("question").asText())).isTrue();
        }
        assertThat(train).hasSize(3000).doesNotContainAnyElementsOf(test);
        assertThat(test).hasSize(1000);
    }

    @Test
    void testSplitDoesNotDependOnTrainSize() {
        ToyDataset.Splits small = ToyDataset.generate(8, 10, 100, ToyDifficulty.standard());
        ToyDataset.Splits large = ToyDataset.generate(8, 1000, 100, ToyDifficulty.standard());
        assertThat(large.test()).isEqualTo(small.test());
    }

    @Test
    void exhaustedQuestionSpaceFailsClearlyInsteadOfLooping() {
        ToyProblemGenerator generator = new ToyProblemGenerator(1, ToyDifficulty.standard());
        ToyProblem only = generator.next("x");
        int[] calls = {0};
        Function<String, ToyProblem> sameQuestion =
                id -> {
                    calls[0]++;
                    return new ToyProblem(
                            id, only.question(), only.steps(), only.answer(), only.ops());
                };
        assertThatThrownBy(
                        () -> ToyDataset.draw(sameQuestion, new HashSet<>(), "toy-train-", 5, 100))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(
                        "Cannot generate 5 distinct toy-train- problems: only 1 after 100");
        assertThat(calls[0]).isEqualTo(101);
    }

    private static List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n").doesNotContain("\r");
        for (String line : text.split("\n")) {
            rows.add(JSON.readTree(line));
        }
        return rows;
    }
}
