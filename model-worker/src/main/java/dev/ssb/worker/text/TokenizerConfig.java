package dev.ssb.worker.text;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The parts of a Hugging Face {@code tokenizer_config.json} that prompt rendering and stopping
 * need.
 *
 * @param chatTemplates named chat templates; a single string template is named {@code default}, as
 *     transformers does with the list form {@code [{"name": ..., "template": ...}]}
 * @param bosToken beginning-of-sequence token text, or null
 * @param eosToken end-of-sequence token text, or null
 * @param padToken padding token text, or null
 * @param unkToken unknown token text, or null
 * @param addedTokens {@code added_tokens_decoder}: id to token text
 */
public record TokenizerConfig(
        Map<String, String> chatTemplates,
        String bosToken,
        String eosToken,
        String padToken,
        String unkToken,
        Map<Integer, String> addedTokens) {

    /** The name transformers uses for the template that is applied when none is chosen. */
    public static final String DEFAULT_TEMPLATE = "default";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public TokenizerConfig {
        chatTemplates =
                Collections.unmodifiableMap(
                        new LinkedHashMap<>(
                                requireNonNull(chatTemplates, "chatTemplates is null")));
        addedTokens =
                Collections.unmodifiableMap(
                        new TreeMap<>(requireNonNull(addedTokens, "addedTokens is null")));
    }

    /** The template transformers applies by default ({@code default}), if the config has one. */
    public Optional<String> chatTemplate() {
        return Optional.ofNullable(chatTemplates.get(DEFAULT_TEMPLATE));
    }

    /**
     * Reads {@code tokenizer_config.json}.
     *
     * @throws IllegalArgumentException naming the file when it is not valid JSON or has a field of
     *     the wrong type
     * @throws UncheckedIOException when the file cannot be read
     */
    public static TokenizerConfig read(Path file) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read tokenizer config " + file, e);
        }
        try {
            return parse(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Cannot load tokenizer config " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses the text of a {@code tokenizer_config.json}. */
    public static TokenizerConfig parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("invalid JSON: not an object");
        }
        return new TokenizerConfig(
                templates(root.get("chat_template")),
                token(root, "bos_token"),
                token(root, "eos_token"),
                token(root, "pad_token"),
                token(root, "unk_token"),
                addedTokens(root.get("added_tokens_decoder")));
    }

    private static Map<String, String> templates(JsonNode node) {
        Map<String, String> templates = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return templates;
        }
        if (node.isTextual()) {
            templates.put(DEFAULT_TEMPLATE, node.asText());
            return templates;
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException(
                    "invalid chat_template: expected a string or a list, got "
                            + node.getNodeType());
        }
        for (JsonNode entry : node) {
            JsonNode name = entry.get("name");
            JsonNode template = entry.get("template");
            if (name == null || !name.isTextual() || template == null || !template.isTextual()) {
                throw new IllegalArgumentException(
                        "invalid chat_template entry: expected {\"name\": string, \"template\":"
                                + " string}, got "
                                + entry);
            }
            templates.put(name.asText(), template.asText());
        }
        return templates;
    }

    /** A special token given as a string or as an AddedToken object {@code {"content": ...}}. */
    private static String token(JsonNode root, String key) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        JsonNode content = node.get("content");
        if (node.isObject() && content != null && content.isTextual()) {
            return content.asText();
        }
        throw new IllegalArgumentException(
                "invalid " + key + ": expected a string or {\"content\": string}, got " + node);
    }

    private static Map<Integer, String> addedTokens(JsonNode node) {
        Map<Integer, String> tokens = new TreeMap<>();
        if (node == null || node.isNull()) {
            return tokens;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    "invalid added_tokens_decoder: expected an object, got " + node.getNodeType());
        }
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(
                        "invalid added_tokens_decoder id: " + e.getKey(), ex);
            }
            JsonNode content = e.getValue().get("content");
            if (content == null || !content.isTextual()) {
                throw new IllegalArgumentException(
                        "invalid added_tokens_decoder entry " + id + ": missing content");
            }
            tokens.put(id, content.asText());
        }
        return tokens;
    }
}
