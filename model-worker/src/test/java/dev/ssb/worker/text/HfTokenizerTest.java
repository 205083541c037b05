package dev.ssb.worker.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HfTokenizer on the real Qwen3 tokenizer. */
class HfTokenizerTest {

    private static final int IM_START = 151644;
    private static final int IM_END = 151645;
    private static final int END_OF_TEXT = 151643;

    private static HfTokenizer qwen;

    @BeforeAll
    static void load() {
        qwen = Fixtures.qwen3Tokenizer();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "What is 2 + 3? The answer is 5.",
                "\\frac{1}{2} + \\sqrt{3} = \\boxed{42}",
                "$x^2 - 4 = 0 \\implies x = \\pm 2$",
                "你好，世界！数学很有趣。",
                "Emoji 🎉👍🏽 and flags 🇫🇷 and family 👨‍👩‍👧",
                "Accents: café naïve Ångström Zürich ŝ ĉ",
                "Tabs\tand\nnewlines\n\n  indented   spaces  ",
                "𝔸𝔹ℂ ∑_{i=1}^{n} i = \\frac{n(n+1)}{2} ≤ ∞",
                "",
            })
    void roundTripsTextExactly(String text) {
        int[] ids = qwen.encode(text);

        assertThat(qwen.decode(ids)).isEqualTo(text);
    }

    @Test
    void encodesSpecialTokensWrittenInTextToTheirSingleIds() {
        assertThat(qwen.encode("<|im_end|>")).containsExactly(IM_END);
        int[] ids = qwen.encode("<|im_start|>user\nHi<|im_end|>\n");
        assertThat(ids[0]).isEqualTo(IM_START);
        assertThat(ids).contains(IM_END).hasSizeGreaterThan(3);
        assertThat(qwen.encode("a<|endoftext|>")).endsWith(END_OF_TEXT);
    }

    @Test
    void addsNoBeginOrEndToken() {
        int[] ids = qwen.encode("hello");

        assertThat(ids).hasSize(1);
        assertThat(qwen.tokenId("hello")).hasValue(ids[0]);
        assertThat(qwen.encode("")).isEmpty();
    }

    @Test
    void doesNotTruncateLongTexts() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            text.append("step ").append(i).append(": add ").append(i * 7).append(".\n");
        }

        int[] ids = qwen.encode(text.toString());

        // DJL's default would cut this to 512 tokens.
        assertThat(ids.length).isGreaterThan(10_000);
        assertThat(qwen.decode(ids)).isEqualTo(text.toString());
    }

    @Test
    void decodeKeepsSpecialTokens() {
        int[] ids = {IM_START, qwen.tokenId("user").getAsInt(), IM_END, END_OF_TEXT};

        assertThat(qwen.decode(ids)).isEqualTo("<|im_start|>user<|im_end|><|endoftext|>");
    }

    @Test
    void vocabSizeIsBaseVocabularyPlusAddedTokens() throws IOException {
        Set<Integer> ids = new HashSet<>();
        try (JsonParser p =
                new JsonFactory()
                        .createParser(Fixtures.qwen3().resolve("tokenizer.json").toFile())) {
            // Token ids are the integer values inside "vocab" and the "id" fields of added tokens.
            String field = null;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME) {
                    field = p.currentName();
                } else if (t == JsonToken.VALUE_NUMBER_INT
                        && ("id".equals(field)
                                || "vocab"
                                        .equals(
                                                p.getParsingContext()
                                                        .getParent()
                                                        .getCurrentName()))) {
                    ids.add(p.getIntValue());
                }
            }
        }

        assertThat(qwen.vocabSize()).isEqualTo(151_669).isEqualTo(ids.size());
        assertThat(qwen.tokenId("<think>")).hasValue(151_667);
        assertThat(qwen.tokenId("</think>")).hasValue(151_668);
    }

    @Test
    void tokenIdFindsExactTokenTextOnly() {
        assertThat(qwen.tokenId("<|im_start|>")).hasValue(IM_START);
        assertThat(qwen.tokenId("<|im_end|>")).hasValue(IM_END);
        // Byte-level tokens are stored with Ġ for a leading space.
        assertThat(qwen.tokenId("Ġthe")).hasValue(qwen.encode(" the")[0]);
        assertThat(qwen.tokenId(" the")).isEqualTo(OptionalInt.empty());
        assertThat(qwen.tokenId("<|no_such_token|>")).isEmpty();
    }

    @Test
    void decodingEveryPrefixNeverEmitsABrokenCharacter() {
        String text = "Prix: 12 € — 你好 🎉👍🏽 naïve \\boxed{½}";
        int[] ids = qwen.encode(text);
        // The emoji and CJK characters are split over several byte-level tokens.
        assertThat(ids.length).isGreaterThan(qwen.encode("Prix: 12  —   naïve \\boxed{}").length);

        String previous = "";
        for (int n = 0; n <= ids.length; n++) {
            String prefix = qwen.decode(Arrays.copyOf(ids, n));
            assertThat(prefix).doesNotContain("\uFFFD");
            assertThat(text).startsWith(prefix);
            assertThat(prefix).startsWith(previous);
            previous = prefix;
        }
        assertThat(previous).isEqualTo(text);
    }

    @Test
    void leavesOutOnlyAnUnfinishedLastCharacter() {
        int[] ids = qwen.encode("ok 🎉");
        // "ok", " " + first two bytes of the emoji, third byte, fourth byte
        assertThat(ids).hasSize(4);
        int[] cut = Arrays.copyOf(ids, 3);

        assertThat(qwen.decode(cut)).isEqualTo("ok ");
        assertThat(qwen.decode(ids)).isEqualTo("ok 🎉");
    }

    @Test
    void keepsGenuineReplacementCharactersAndInvalidBytes() {
        // U+FFFD as real text is a complete character and must survive.
        assertThat(qwen.decode(qwen.encode("a\uFFFD"))).isEqualTo("a\uFFFD");
        // A lone lead byte followed by ASCII is invalid, not unfinished: replaced, as in HF.
        int leadByte = qwen.tokenId("ä").getAsInt(); // byte 0xE4 in the byte-level alphabet
        int[] ids = concat(new int[] {leadByte}, qwen.encode(" x"));

        assertThat(qwen.decode(ids)).isEqualTo("\uFFFD x");
    }

    @Test
    void normalizesToNfcLikeTheHuggingFaceTokenizer() {
        // tokenizer.json declares an NFC normalizer: decomposed "é" encodes as the composed one.
        assertThat(qwen.encode("e\u0301")).containsExactly(qwen.encode("\u00e9"));
    }

    @Test
    void rejectsIdsOutsideTheVocabulary() {
        assertThatThrownBy(() -> qwen.decode(new int[] {IM_END, 151_669}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid token id: 151669 at position 1 (vocabulary has 151669 ids)");
        assertThatThrownBy(() -> qwen.decode(new int[] {-1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid token id: -1");
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            texts.add("Problem " + i + ": 你好 🎉 " + "x".repeat(i) + " \\frac{" + i + "}{2}");
        }
        List<int[]> expected = new ArrayList<>();
        for (String t : texts) {
            expected.add(qwen.encode(t));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int rep = 0; rep < 8; rep++) {
                results.add(
                        pool.submit(
                                () -> {
                                    for (int i = 0; i < texts.size(); i++) {
                                        int[] ids = qwen.encode(texts.get(i));
                                        if (!Arrays.equals(ids, expected.get(i))
                                                || !qwen.decode(ids).equals(texts.get(i))) {
                                            return false;
                                        }
                                    }
                                    return true;
                                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void loadsTheSameTokenizerFromAStreamAsFromADirectory() throws IOException {
        Path dir = Fixtures.toy();
        try (HfTokenizer fromDir = HfTokenizer.fromDirectory(dir);
                HfTokenizer fromStream =
                        HfTokenizer.fromStream(
                                Files.newInputStream(dir.resolve("tokenizer.json")), "stream")) {
            String text = "<|im_start|>assistant\n你好 \\boxed{7}<|im_end|>";
            int[] ids = fromStream.encode(text);
            assertThat(ids).containsExactly(fromDir.encode(text));
            assertThat(ids[0]).isEqualTo(257);
            assertThat(fromStream.decode(ids)).isEqualTo(text);
            assertThat(fromStream.vocabSize()).isEqualTo(259);
        }
    }

    @Test
    void rejectsADirectoryWithoutTokenizerJson(@TempDir Path dir) {
        assertThatThrownBy(() -> HfTokenizer.fromDirectory(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot load tokenizer " + dir + ": missing file tokenizer.json");
    }

    @Test
    void rejectsATokenizerJsonWithoutModel() {
        assertThatThrownBy(() -> HfTokenizer.fromBytes("{\"added_tokens\": []}".getBytes(), "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot load tokenizer x: invalid tokenizer.json: missing key model");
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
