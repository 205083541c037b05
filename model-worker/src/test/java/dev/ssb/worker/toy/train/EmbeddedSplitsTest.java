package dev.ssb.worker.toy.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.worker.api.ToyData;
import dev.ssb.worker.toy.ToyDataset;
import dev.ssb.worker.toy.ToyProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's problems are the embedded model's own: trained-on problems and unseen ones. */
class EmbeddedSplitsTest {

    @TempDir Path tmp;

    @Test
    void trainComesFromTheModelsTrainingSetAndTestFromItsHeldOutOrDevSplit() throws IOException {
        ToyDataset.Splits splits = ToyTrainingData.splits(ToyTrainingConfig.embedded());
        Set<String> trained = new HashSet<>();
        splits.train().forEach(p -> trained.add(p.question()));

        ToyData.writeEmbeddedSplits(tmp.resolve("a"), 7, 300, 40, false);
        List<String> train = questions(tmp.resolve("a/train.jsonl"));
        List<String> test = questions(tmp.resolve("a/test.jsonl"));
        assertThat(train).hasSize(300).doesNotHaveDuplicates().allMatch(trained::contains);
        assertThat(test)
                .containsExactlyElementsOf(
                        questionsOf(ToyTrainingData.heldOut(splits).subList(0, 40)));
        assertThat(test).noneMatch(trained::contains);

        ToyData.writeEmbeddedSplits(tmp.resolve("dev"), 7, 300, 40, true);
        List<String> dev = questions(tmp.resolve("dev/test.jsonl"));
        assertThat(dev)
                .containsExactlyElementsOf(questionsOf(ToyTrainingData.dev(splits).subList(0, 40)));
        assertThat(dev).noneMatch(trained::contains).noneMatch(test::contains);
        // the sample seed picks the training problems; the same arguments give the same bytes
        assertThat(questions(tmp.resolve("dev/train.jsonl"))).isEqualTo(train);
        ToyData.writeEmbeddedSplits(tmp.resolve("b"), 8, 300, 40, false);
        assertThat(questions(tmp.resolve("b/train.jsonl"))).isNotEqualTo(train);
        assertThat(tmp.resolve("b/test.jsonl")).hasSameBinaryContentAs(tmp.resolve("a/test.jsonl"));
    }

    @Test
    void sizesBeyondASplitAreRejectedWithTheLimitNamed() {
        assertThatThrownBy(() -> ToyData.writeEmbeddedSplits(tmp, 1, 10, 1001, false))
                .hasMessageContaining("test 1001 (must be in [0, 1000] for the held-out split)");
        assertThatThrownBy(() -> ToyData.writeEmbeddedSplits(tmp, 1, 20_001, 10, false))
                .hasMessageContaining("train 20001 (must be in [0, 20000])");
    }

    private static List<String> questionsOf(List<ToyProblem> problems) {
        return problems.stream().map(ToyProblem::question).toList();
    }

    private static List<String> questions(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(json.readTree(line).get("question").asText());
        }
        return out;
    }
}
