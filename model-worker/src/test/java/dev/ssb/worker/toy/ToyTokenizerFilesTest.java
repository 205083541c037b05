package dev.ssb.worker.toy;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.worker.api.ChatMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToyTokenizerFilesTest {

    /**
     * DJL truncates to 512 tokens unless told otherwise (its default strategy is longest_first with
     * modelMaxLength 512), which would cut every teacher prompt: the runtime must pass these.
     */
    static final Map<String, String> DJL_OPTIONS =
            Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false");

    @TempDir static Path dir;
    static HuggingFaceTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        ToyTokenizerFiles.write(dir);
        tokenizer =
                HuggingFaceTokenizer.newInstance(
                        dir.resolve(ToyTokenizerFiles.TOKENIZER_JSON), DJL_OPTIONS);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static long[] encode(String text) {
        Encoding e = tokenizer.encode(text, false, false);
        return e.getIds();
    }

    private static String decode(long[] ids) {
        return tokenizer.decode(ids, false);
    }

    @Test
    void vocabularyIsSmallAndSpecialTokensFollowTheCharacters() {
        List<String> vocab = ToyTokenizerFiles.vocabulary();
        assertThat(vocab).hasSizeLessThan(128).doesNotHaveDuplicates();
        assertThat(vocab.subList(vocab.size() - 3, vocab.size()))
                .containsExactly("<|endoftext|>", "<|im_start|>", "<|im_end|>");
        for (String c :
                List.of(
                        "\n", " ", "\\", "{", "}", "#", "*", "/", "+", "-", "=", "?", "0", "z",
                        "Z")) {
            assertThat(vocab).contains(c);
        }
    }

    @Test
    void specialTokensAreSingleIdsAndDecodeBack() {
        List<String> vocab = ToyTokenizerFiles.vocabulary();
        for (String special : List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<unk>")) {
            long[] ids = encode(special);
            assertThat(ids).containsExactly(vocab.indexOf(special));
            assertThat(decode(ids)).isEqualTo(special);
        }
        long[] ids = encode("<|im_start|>user\nhi<|im_end|>\n");
        assertThat(ids).hasSize(1 + 5 + 2 + 1 + 1);
        assertThat(ids[0]).isEqualTo(vocab.indexOf("<|im_start|>"));
        assertThat(ids[8]).isEqualTo(vocab.indexOf("<|im_end|>"));
    }

    @Test
    void everyCharacterIsItsOwnToken() {
        List<String> chars = ToyTokenizerFiles.characters();
        String all = String.join("", chars);
        long[] ids = encode(all);
        assertThat(ids).hasSize(chars.size());
        for (int i = 0; i < ids.length; i++) {
            assertThat(ids[i]).isEqualTo(i);
        }
        assertThat(decode(ids)).isEqualTo(all);
    }

    @Test
    void charactersOutsideTheVocabularyBecomeUnk() {
        long unk = ToyTokenizerFiles.vocabulary().indexOf("<unk>");
        assertThat(encode("a\u2019b")).containsExactly('a' - ' ' + 1, unk, 'b' - ' ' + 1);
    }

    @Test
    void roundTripsGeneratedProblemsSolutionsAndPromptsExactly() {
        Prompts prompts = Prompts.defaults();
        ToyConversations conversations = new ToyConversations(prompts);
        ToyProblemGenerator generator = new ToyProblemGenerator(7, ToyDifficulty.standard());
        SplittableRandom random = new SplittableRandom(7);
        List<String> texts = new ArrayList<>();
        texts.add(prompts.system());
        texts.add(prompts.teacherTemplate());
        texts.add(prompts.nohintTemplate());
        texts.add("  two  spaces\n\n\nand newlines \\boxed{12} {x} ");
        for (int i = 0; i < 1000; i++) {
            ToyProblem p = generator.next("p" + i);
            texts.add(p.question());
            texts.add(ToySolutions.gsm8k(p));
            texts.add(ToySolutions.student(p));
            texts.add(ToyDataset.toJsonLine(p));
            for (ChatMessage m : conversations.teacher(p, random)) {
                texts.add(m.content());
            }
            texts.add(conversations.nohintTeacher(p).get(1).content());
        }
        long unk = ToyTokenizerFiles.vocabulary().indexOf("<unk>");
        for (String text : texts) {
            long[] ids = encode(text);
            assertThat(ids).as("one id per character of %s", text).hasSize(text.length());
            assertThat(ids).doesNotContain(unk);
            assertThat(decode(ids)).isEqualTo(text);
        }
    }

    @Test
    void roundTripsARenderedChatmlConversation() {
        ToyProblem p = new ToyProblemGenerator(3, ToyDifficulty.standard()).next("p");
        String rendered = chatml(new ToyConversations(Prompts.defaults()).student(p));
        long[] ids = encode(rendered);
        assertThat(decode(ids)).isEqualTo(rendered);
        long imStart = ToyTokenizerFiles.vocabulary().indexOf("<|im_start|>");
        long imEnd = ToyTokenizerFiles.vocabulary().indexOf("<|im_end|>");
        assertThat(Arrays.stream(ids).filter(id -> id == imStart).count()).isEqualTo(3);
        assertThat(Arrays.stream(ids).filter(id -> id == imEnd).count()).isEqualTo(3);
        // all special markers became single ids: the rest is one id per character
        int markerChars = 3 * ("<|im_start|>".length() + "<|im_end|>".length());
        assertThat(ids).hasSize(rendered.length() - markerChars + 6);
    }

    @Test
    void configDeclaresChatmlTemplateAndSpecialTokens() throws IOException {
        JsonNode config =
                new ObjectMapper()
                        .readTree(dir.resolve(ToyTokenizerFiles.TOKENIZER_CONFIG_JSON).toFile());
        assertThat(config.get("chat_template").asText()).isEqualTo(ToyTokenizerFiles.CHAT_TEMPLATE);
        assertThat(config.get("eos_token").asText()).isEqualTo("<|im_end|>");
        assertThat(config.get("pad_token").asText()).isEqualTo("<|endoftext|>");
        assertThat(config.get("bos_token").isNull()).isTrue();
        List<String> vocab = ToyTokenizerFiles.vocabulary();
        for (String special : ToyTokenizerFiles.SPECIAL_TOKENS) {
            JsonNode entry =
                    config.get("added_tokens_decoder").get(String.valueOf(vocab.indexOf(special)));
            assertThat(entry.get("content").asText()).isEqualTo(special);
            assertThat(entry.get("special").asBoolean()).isTrue();
        }
    }

    @Test
    void filesMatchTheCommittedGoldens() throws IOException {
        assertThat(Files.readString(dir.resolve(ToyTokenizerFiles.TOKENIZER_JSON)))
                .isEqualTo(resource("tokenizer.json"));
        assertThat(Files.readString(dir.resolve(ToyTokenizerFiles.TOKENIZER_CONFIG_JSON)))
                .isEqualTo(resource("tokenizer_config.json"));
    }

    /**
     * transformers' AutoTokenizer reads tokenizer_class first: without it, config.json's model_type
     * (qwen2) would pick Qwen2's tokenizer, which drops the toy model's spaces and newlines.
     */
    @Test
    void theEmbeddedCheckpointNamesItsTokenizerClass() throws IOException {
        try (var in =
                getClass()
                        .getClassLoader()
                        .getResourceAsStream("dev/ssb/worker/toy/model/tokenizer_config.json")) {
            JsonNode config = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
            assertThat(config.get("tokenizer_class").asText()).isEqualTo("PreTrainedTokenizerFast");
        }
    }

    /** ChatML as the template renders it (checked against Python jinja2 in ToyChatTemplateTest). */
    static String chatml(List<ChatMessage> messages) {
        StringBuilder out = new StringBuilder();
        for (ChatMessage m : messages) {
            out.append("<|im_start|>")
                    .append(m.role())
                    .append('\n')
                    .append(m.content())
                    .append("<|im_end|>\n");
        }
        return out.toString();
    }

    static String resource(String name) throws IOException {
        try (InputStream in = ToyTokenizerFilesTest.class.getResourceAsStream(name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
