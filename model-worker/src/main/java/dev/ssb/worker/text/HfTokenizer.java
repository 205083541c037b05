package dev.ssb.worker.text;

import static java.util.Objects.requireNonNull;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.ssb.worker.api.Tokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer on DJL's Rust binding, configured the way a chat
 * pipeline needs it: no BOS/EOS added, no truncation or padding (DJL's defaults would cut every
 * text to 512 tokens), special tokens kept when decoding.
 *
 * <p>Thread-safe: the Rust tokenizer is immutable and the vocabulary maps are read-only. Owns a
 * native handle; {@link #close()} it when no thread uses it any more.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HfTokenizer.class);
    private static final char REPLACEMENT = '\uFFFD';
    private static final Map<String, String> OPTIONS =
            Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

    private final HuggingFaceTokenizer hf;
    private final Vocabulary vocabulary;
    private final String source;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, Vocabulary vocabulary, String source) {
        this.hf = tokenizer;
        this.vocabulary = vocabulary;
        this.source = source;
    }

    /** Loads {@code dir/tokenizer.json}. */
    public static HfTokenizer fromDirectory(Path dir) {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    "Cannot load tokenizer " + dir + ": missing file tokenizer.json");
        }
        try {
            return fromBytes(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read tokenizer " + file, e);
        }
    }

    /** Loads a {@code tokenizer.json} from a stream (e.g. a classpath resource); closes it. */
    public static HfTokenizer fromStream(InputStream tokenizerJson, String source) {
        requireNonNull(tokenizerJson, "tokenizerJson is null");
        try (InputStream in = tokenizerJson) {
            return fromBytes(in.readAllBytes(), source);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read tokenizer " + source, e);
        }
    }

    /**
     * Loads a {@code tokenizer.json} held in memory.
     *
     * @param source a name for error messages and logs (a path or resource name)
     */
    public static HfTokenizer fromBytes(byte[] tokenizerJson, String source) {
        requireNonNull(tokenizerJson, "tokenizerJson is null");
        requireNonNull(source, "source is null");
        long start = System.nanoTime();
        Vocabulary vocabulary;
        try {
            vocabulary = Vocabulary.parse(tokenizerJson);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Cannot load tokenizer " + source + ": " + e.getMessage(), e);
        }
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer =
                    HuggingFaceTokenizer.newInstance(
                            new ByteArrayInputStream(tokenizerJson), OPTIONS);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "Cannot load tokenizer " + source + ": " + e.getMessage(), e);
        }
        if (vocabulary.distinctIds() != vocabulary.size()) {
            LOG.warn(
                    "Tokenizer {} has holes in its id space: {} tokens, largest id {}",
                    source,
                    vocabulary.distinctIds(),
                    vocabulary.size() - 1);
        }
        LOG.debug(
                "Loaded tokenizer {} ({}) in {} ms",
                source,
                vocabulary,
                (System.nanoTime() - start) / 1_000_000);
        return new HfTokenizer(tokenizer, vocabulary, source);
    }

    @Override
    public int[] encode(String text) {
        requireNonNull(text, "text is null");
        long[] ids = hf.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /**
     * Decodes like transformers' {@code decode(ids, skip_special_tokens=False)}, except that an
     * unfinished multi-byte character at the end (a prefix of a generation, or one cut by
     * max_new_tokens) is left out instead of becoming U+FFFD: decoding a growing prefix only ever
     * appends text.
     *
     * @throws IllegalArgumentException when an id is not in the vocabulary
     */
    @Override
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /** As {@link #decode(int[])}, without the tokens {@code tokenizer.json} marks special. */
    @Override
    public String decodeSkippingSpecialTokens(int[] ids) {
        return decode(ids, true);
    }

    private String decode(int[] ids, boolean skipSpecial) {
        requireNonNull(ids, "ids is null");
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (!vocabulary.contains(ids[i])) {
                throw new IllegalArgumentException(
                        String.format(
                                "Invalid token id: %s at position %s (vocabulary has %s ids)",
                                ids[i], i, vocabulary.size()));
            }
            longs[i] = ids[i];
        }
        String text = hf.decode(longs, skipSpecial);
        return unfinishedTail(ids, text) ? text.substring(0, text.length() - 1) : text;
    }

    private boolean unfinishedTail(int[] ids, String text) {
        if (text.isEmpty() || text.charAt(text.length() - 1) != REPLACEMENT) {
            return false;
        }
        if (vocabulary.byteLevelDecoder()) {
            // Exact: the byte string ends with a valid but unfinished UTF-8 sequence, which
            // the Rust decoder renders as one U+FFFD.
            return ByteLevel.incompleteTailBytes(vocabulary, ids) > 0;
        }
        // Other decoders (e.g. byte fallback): a trailing U+FFFD the last token does not spell
        // out literally can only come from bytes still waiting for the rest of their character.
        return vocabulary.token(ids[ids.length - 1]).indexOf(REPLACEMENT) < 0;
    }

    /** {@inheritDoc} For Qwen2/Qwen3: 151,643 BPE tokens + 22/26 added tokens. */
    @Override
    public int vocabSize() {
        return vocabulary.size();
    }

    @Override
    public OptionalInt tokenId(String token) {
        requireNonNull(token, "token is null");
        return vocabulary.id(token);
    }

    @Override
    public void close() {
        hf.close();
    }

    @Override
    public String toString() {
        return "HfTokenizer[" + source + ", vocabSize=" + vocabulary.size() + "]";
    }
}
