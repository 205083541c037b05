package dev.ssb.worker.text;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Token text ↔ id of a {@code tokenizer.json} (model vocabulary plus added tokens), read with a
 * streaming parser because DJL's tokenizer binding exposes neither lookup.
 */
final class Vocabulary {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String[] tokens;
    private final Map<String, Integer> ids;
    private final boolean byteLevelDecoder;
    private final int distinctIds;

    private Vocabulary(String[] tokens, Map<String, Integer> ids, boolean byteLevelDecoder) {
        this.tokens = tokens;
        this.ids = ids;
        this.byteLevelDecoder = byteLevelDecoder;
        int n = 0;
        for (String t : tokens) {
            n += t == null ? 0 : 1;
        }
        this.distinctIds = n;
    }

    /** Parses the vocabulary out of a {@code tokenizer.json} document. */
    static Vocabulary parse(byte[] tokenizerJson) {
        Map<Integer, String> byId = new HashMap<>();
        Map<String, Integer> added = new HashMap<>();
        boolean byteLevel = false;
        boolean sawModel = false;
        try (JsonParser p = new JsonFactory().createParser(tokenizerJson)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, "document");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("model") && value == JsonToken.START_OBJECT) {
                    sawModel = true;
                    readModel(p, byId);
                } else if (field.equals("added_tokens") && value == JsonToken.START_ARRAY) {
                    JsonNode list = MAPPER.readTree(p);
                    for (JsonNode t : list) {
                        added.put(t.get("content").asText(), t.get("id").asInt());
                    }
                } else if (field.equals("decoder") && value == JsonToken.START_OBJECT) {
                    JsonNode decoder = MAPPER.readTree(p);
                    byteLevel = "ByteLevel".equals(decoder.path("type").asText());
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid tokenizer.json: " + e.getMessage(), e);
        }
        if (!sawModel) {
            throw new IllegalArgumentException("invalid tokenizer.json: missing key model");
        }
        added.forEach((text, id) -> byId.put(id, text));
        int size = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        if (size == 0) {
            throw new IllegalArgumentException("invalid tokenizer.json: empty vocabulary");
        }
        String[] tokens = new String[size];
        Map<String, Integer> ids = new HashMap<>(byId.size() * 2);
        for (Map.Entry<Integer, String> e : byId.entrySet()) {
            if (e.getKey() < 0) {
                throw new IllegalArgumentException(
                        "invalid tokenizer.json: negative id " + e.getKey());
            }
            tokens[e.getKey()] = e.getValue();
            ids.put(e.getValue(), e.getKey());
        }
        // Added tokens win over model tokens with the same text, as in tokenizers' token_to_id.
        ids.putAll(added);
        return new Vocabulary(tokens, ids, byteLevel);
    }

    private static void readModel(JsonParser p, Map<Integer, String> byId) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("vocab") && value == JsonToken.START_OBJECT) {
                // BPE, WordPiece, WordLevel: {"token": id, ...}
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String token = p.currentName();
                    p.nextToken();
                    byId.put(p.getIntValue(), token);
                }
            } else if (field.equals("vocab") && value == JsonToken.START_ARRAY) {
                // Unigram: [["token", score], ...], the id is the position
                int id = 0;
                while (p.nextToken() == JsonToken.START_ARRAY) {
                    p.nextToken();
                    byId.put(id++, p.getText());
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
    }

    private static void expect(JsonToken actual, JsonToken expected, String what) {
        if (actual != expected) {
            throw new IllegalArgumentException(
                    "invalid tokenizer.json: expected " + expected + " for " + what);
        }
    }

    /** One past the largest id: the number of logits a model needs to produce every token. */
    int size() {
        return tokens.length;
    }

    /** Ids that map to a token (equals {@link #size()} unless the id space has holes). */
    int distinctIds() {
        return distinctIds;
    }

    boolean byteLevelDecoder() {
        return byteLevelDecoder;
    }

    boolean contains(int id) {
        return id >= 0 && id < tokens.length && tokens[id] != null;
    }

    /** The raw token text of an id (byte-level tokens in their GPT-2 printable form). */
    String token(int id) {
        return tokens[id];
    }

    OptionalInt id(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public String toString() {
        return "Vocabulary[size="
                + size()
                + ", distinctIds="
                + distinctIds
                + ", byteLevel="
                + byteLevelDecoder
                + "]";
    }
}
