package dev.ssb.worker.text;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.ChatTemplate;
import dev.ssb.worker.api.Tokenizer;
import java.util.List;

/**
 * Everything a model runtime needs to turn conversations into ids and back.
 *
 * @param tokenizer the checkpoint's tokenizer
 * @param chatTemplate the checkpoint's chat template
 * @param endTokenIds ids that end a reply according to the tokenizer files: tokenizer_config's eos
 *     token, {@code <|im_end|>}, {@code <|endoftext|>}, each when the vocabulary has it, without
 *     duplicates, in that order
 */
public record TextBundle(Tokenizer tokenizer, ChatTemplate chatTemplate, List<Integer> endTokenIds)
        implements AutoCloseable {

    public TextBundle {
        requireNonNull(tokenizer, "tokenizer is null");
        requireNonNull(chatTemplate, "chatTemplate is null");
        endTokenIds = List.copyOf(requireNonNull(endTokenIds, "endTokenIds is null"));
        if (endTokenIds.stream().distinct().count() != endTokenIds.size()) {
            throw new IllegalArgumentException("Invalid endTokenIds: duplicates in " + endTokenIds);
        }
    }

    /** Releases the tokenizer's native handle (when it has one). */
    @Override
    public void close() {
        if (tokenizer instanceof AutoCloseable) {
            try {
                ((AutoCloseable) tokenizer).close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("Cannot close tokenizer " + tokenizer, e);
            }
        }
    }
}
