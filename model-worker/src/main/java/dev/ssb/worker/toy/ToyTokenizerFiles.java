package dev.ssb.worker.toy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Writes the toy model's tokenizer in Hugging Face form: a character-level {@code tokenizer.json}
 * (a BPE model with no merges, no normalizer or pre-tokenizer, and a {@code Fuse} decoder, so
 * decoding reproduces the text exactly) with the ChatML special tokens, and a {@code
 * tokenizer_config.json} whose {@code chat_template} renders ChatML as Qwen2.5 does.
 *
 * <p>Ids: {@code 0} is {@code \n}, {@code 1..95} the printable ASCII characters from space to
 * {@code ~}, {@code 96} {@code <unk>} (any other character), then {@code <|endoftext|>}, {@code
 * <|im_start|>}, {@code <|im_end|>}; these four are added special tokens, so their text always
 * encodes to their single id. The vocabulary is fixed rather than derived from the data so that
 * rewording a prompt never changes the ids a trained model relies on.
 */
public final class ToyTokenizerFiles {

    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String TOKENIZER_CONFIG_JSON = "tokenizer_config.json";
    public static final String UNK = "<unk>";
    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    public static final List<String> SPECIAL_TOKENS = List.of(END_OF_TEXT, IM_START, IM_END);

    /** ChatML without tools, as in Qwen2.5's template. */
    public static final String CHAT_TEMPLATE =
            "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n'"
                    + " + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
                    + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ToyTokenizerFiles() {}

    /** Every token in id order: characters, {@code <unk>}, then the special tokens. */
    public static List<String> vocabulary() {
        List<String> tokens = new ArrayList<>(characters());
        tokens.add(UNK);
        tokens.addAll(SPECIAL_TOKENS);
        return Collections.unmodifiableList(tokens);
    }

    /** The characters that are single tokens: newline and printable ASCII. */
    public static List<String> characters() {
        List<String> chars = new ArrayList<>();
        chars.add("\n");
        for (char c = ' '; c <= '~'; c++) {
            chars.add(String.valueOf(c));
        }
        return chars;
    }

    /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir}. */
    public static void write(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(TOKENIZER_JSON), tokenizerJson(), StandardCharsets.UTF_8);
            Files.writeString(
                    dir.resolve(TOKENIZER_CONFIG_JSON),
                    tokenizerConfigJson(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write toy tokenizer files to " + dir, e);
        }
    }

    /** The {@code tokenizer.json} text. */
    public static String tokenizerJson() {
        List<String> chars = characters();
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        List<String> addedTokens = new ArrayList<>();
        addedTokens.add(UNK);
        addedTokens.addAll(SPECIAL_TOKENS);
        for (int i = 0; i < addedTokens.size(); i++) {
            ObjectNode t = added.addObject();
            t.put("id", chars.size() + i);
            t.put("content", addedTokens.get(i));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        root.putNull("pre_tokenizer");
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "Fuse");
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", UNK);
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < chars.size(); i++) {
            vocab.put(chars.get(i), i);
        }
        vocab.put(UNK, chars.size());
        model.putArray("merges");
        return pretty(root);
    }

    /** The {@code tokenizer_config.json} text. */
    public static String tokenizerConfigJson() {
        int firstSpecial = characters().size() + 1;
        ObjectNode root = JSON.createObjectNode();
        root.put("add_bos_token", false);
        root.put("add_prefix_space", false);
        ObjectNode decoder = root.putObject("added_tokens_decoder");
        decoder.set(String.valueOf(firstSpecial - 1), addedToken(UNK));
        for (int i = 0; i < SPECIAL_TOKENS.size(); i++) {
            decoder.set(String.valueOf(firstSpecial + i), addedToken(SPECIAL_TOKENS.get(i)));
        }
        root.putArray("additional_special_tokens").add(IM_START).add(IM_END);
        root.putNull("bos_token");
        root.put("chat_template", CHAT_TEMPLATE);
        root.put("clean_up_tokenization_spaces", false);
        root.put("eos_token", IM_END);
        root.put("errors", "replace");
        root.put("model_max_length", 4096);
        root.put("pad_token", END_OF_TEXT);
        root.put("split_special_tokens", false);
        root.put("tokenizer_class", "PreTrainedTokenizerFast");
        root.put("unk_token", UNK);
        return pretty(root);
    }

    private static ObjectNode addedToken(String content) {
        ObjectNode t = JSON.createObjectNode();
        t.put("content", content);
        t.put("lstrip", false);
        t.put("normalized", false);
        t.put("rstrip", false);
        t.put("single_word", false);
        t.put("special", true);
        return t;
    }

    private static String pretty(ObjectNode node) {
        try {
            DefaultPrettyPrinter printer =
                    new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
            return JSON.writer(printer).writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise tokenizer files", e);
        }
    }
}
