package dev.ssb.worker.api;

import java.util.OptionalInt;

/** A checkpoint's tokenizer ({@code tokenizer.json}); thread-safe. */
public interface Tokenizer {

    /**
     * Encodes text without adding BOS/EOS; special tokens written as text (e.g. {@code <|im_end|>})
     * become their single ids.
     */
    int[] encode(String text);

    /** Decodes ids to text, keeping special tokens; invalid partial UTF-8 is never emitted. */
    String decode(int[] ids);

    /**
     * Decodes ids to text leaving out special tokens (transformers' {@code
     * skip_special_tokens=True}), e.g. a {@code <|im_start|>} sampled in the middle of a reply. The
     * default keeps them, for tokenizers that do not know which tokens are special.
     */
    default String decodeSkippingSpecialTokens(int[] ids) {
        return decode(ids);
    }

    /** Number of ids the tokenizer can produce (may be less than the model's vocab_size). */
    int vocabSize();

    /** The id of a token given by its exact text, if the vocabulary has it. */
    OptionalInt tokenId(String token);
}
