package dev.ssb.worker.text;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.ChatTemplate;
import dev.ssb.worker.api.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads the text side of a Hugging Face checkpoint: tokenizer, chat template and end tokens. */
public final class Texts {

    private static final Logger LOG = LoggerFactory.getLogger(Texts.class);

    /** Newer transformers versions save the template next to the config instead of inside it. */
    static final String TEMPLATE_FILE = "chat_template.jinja";

    static final String IM_END = "<|im_end|>";
    static final String END_OF_TEXT = "<|endoftext|>";

    private Texts() {}

    /**
     * Loads {@code tokenizer.json} and {@code tokenizer_config.json} (and {@code
     * chat_template.jinja}, which wins over the config's template when present) from a checkpoint
     * directory.
     *
     * @throws IllegalArgumentException naming the directory and file when one is missing or bad
     */
    public static TextBundle load(Path dir) {
        requireNonNull(dir, "dir is null");
        Path configFile = dir.resolve("tokenizer_config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException(
                    "Cannot load checkpoint " + dir + ": missing file tokenizer_config.json");
        }
        TokenizerConfig config = TokenizerConfig.read(configFile);
        Path templateFile = dir.resolve(TEMPLATE_FILE);
        String template = null;
        if (Files.isRegularFile(templateFile)) {
            try {
                template = Files.readString(templateFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read chat template " + templateFile, e);
            }
        }
        HfTokenizer tokenizer = HfTokenizer.fromDirectory(dir);
        return bundle(tokenizer, config, template, dir.toString());
    }

    /**
     * Loads the same files from a classpath folder, e.g. {@code dev/ssb/worker/toy/model} for the
     * embedded model.
     */
    public static TextBundle loadResource(ClassLoader loader, String folder) {
        requireNonNull(loader, "loader is null");
        requireNonNull(folder, "folder is null");
        String prefix = folder.endsWith("/") ? folder : folder + "/";
        String configJson = readResource(loader, prefix + "tokenizer_config.json", true);
        TokenizerConfig config;
        try {
            config = TokenizerConfig.parse(configJson);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Cannot load tokenizer config classpath:" + prefix + ": " + e.getMessage(), e);
        }
        String template = readResource(loader, prefix + TEMPLATE_FILE, false);
        InputStream tokenizerJson = loader.getResourceAsStream(prefix + "tokenizer.json");
        if (tokenizerJson == null) {
            throw new IllegalArgumentException(
                    "Cannot load checkpoint classpath:" + prefix + ": missing file tokenizer.json");
        }
        HfTokenizer tokenizer = HfTokenizer.fromStream(tokenizerJson, "classpath:" + prefix);
        return bundle(tokenizer, config, template, "classpath:" + prefix);
    }

    private static String readResource(ClassLoader loader, String name, boolean required) {
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                if (required) {
                    throw new IllegalArgumentException(
                            "Cannot load checkpoint classpath:" + name + ": missing file");
                }
                return null;
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read classpath:" + name, e);
        }
    }

    private static TextBundle bundle(
            HfTokenizer tokenizer, TokenizerConfig config, String templateFile, String source) {
        try {
            ChatTemplate template =
                    templateFile != null
                            ? new JinjaChatTemplate(templateFile, tokenVariables(config))
                            : JinjaChatTemplate.from(config);
            return new TextBundle(tokenizer, template, endTokenIds(tokenizer, config, source));
        } catch (RuntimeException e) {
            tokenizer.close();
            throw new IllegalArgumentException(
                    "Cannot load checkpoint " + source + ": " + e.getMessage(), e);
        }
    }

    private static java.util.Map<String, String> tokenVariables(TokenizerConfig config) {
        java.util.Map<String, String> tokens = new java.util.HashMap<>();
        tokens.put("bos_token", config.bosToken());
        tokens.put("eos_token", config.eosToken());
        tokens.put("pad_token", config.padToken());
        tokens.put("unk_token", config.unkToken());
        return tokens;
    }

    /** tokenizer_config's eos, {@code <|im_end|>}, {@code <|endoftext|>}: present ones, once. */
    static List<Integer> endTokenIds(Tokenizer tokenizer, TokenizerConfig config, String source) {
        List<Integer> ids = new ArrayList<>();
        if (config.eosToken() != null && tokenizer.tokenId(config.eosToken()).isEmpty()) {
            LOG.warn(
                    "Tokenizer {}: eos_token {} is not in the vocabulary",
                    source,
                    config.eosToken());
        }
        for (String token : new String[] {config.eosToken(), IM_END, END_OF_TEXT}) {
            if (token == null) {
                continue;
            }
            OptionalInt id = tokenizer.tokenId(token);
            if (id.isPresent() && !ids.contains(id.getAsInt())) {
                ids.add(id.getAsInt());
            }
        }
        if (ids.isEmpty()) {
            LOG.warn("Tokenizer {} has no end token: replies stop only at max_new_tokens", source);
        }
        return ids;
    }
}
