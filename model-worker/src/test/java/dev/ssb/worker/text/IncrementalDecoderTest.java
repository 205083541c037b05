package dev.ssb.worker.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.worker.api.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class IncrementalDecoderTest {

    private static final String TEXT =
            "Soit x = ½ ; 你好 🎉👍🏽 naïve — \\boxed{42}<|im_end|>\n∑ done";

    private static HfTokenizer toy;

    @BeforeAll
    static void load() {
        toy = HfTokenizer.fromDirectory(Fixtures.toy());
    }

    @AfterAll
    static void close() {
        toy.close();
    }

    @Test
    void deltasNeverSplitACharacterAndAddUpToTheFullText() {
        for (Tokenizer tokenizer : List.of(toy, Fixtures.qwen3Tokenizer())) {
            int[] ids = tokenizer.encode(TEXT);
            IncrementalDecoder decoder = new IncrementalDecoder(tokenizer);
            List<String> deltas = new ArrayList<>();
            for (int id : ids) {
                deltas.add(decoder.append(id));
            }

            assertThat(String.join("", deltas)).isEqualTo(TEXT);
            assertThat(decoder.text()).isEqualTo(TEXT);
            assertThat(decoder.ids()).containsExactly(ids);
            assertThat(deltas).noneMatch(d -> d.contains("\uFFFD"));
        }
    }

    @Test
    void holdsBackAnUnfinishedCharacterUntilItsLastByte() {
        IncrementalDecoder decoder = new IncrementalDecoder(toy);
        int[] ids = toy.encode("a🎉"); // 'a' then the four bytes F0 9F 8E 89, one token each

        assertThat(ids).hasSize(5);
        assertThat(decoder.append(ids[0])).isEqualTo("a");
        assertThat(decoder.append(ids[1])).isEmpty();
        assertThat(decoder.append(ids[2])).isEmpty();
        assertThat(decoder.append(ids[3])).isEmpty();
        assertThat(decoder.append(ids[4])).isEqualTo("🎉");
    }
}
