package dev.ssb.worker.text;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.Tokenizer;
import java.util.Arrays;

/**
 * Turns ids arriving one at a time (a streaming decode loop, stop-string checks) into text deltas
 * that never contain half a character: a byte-level token can end inside a multi-byte UTF-8
 * character, whose text is held back until the token that completes it arrives.
 *
 * <p>Each step decodes only a short window of recent ids (the approach of vLLM's incremental
 * detokenizer) instead of the whole sequence, so streaming n tokens costs O(n). Not thread-safe:
 * one instance per sequence.
 */
public final class IncrementalDecoder {

    private final Tokenizer tokenizer;
    private final StringBuilder text = new StringBuilder();
    private int[] ids = new int[16];
    private int size;

    /** Window start: ids before it are fully reflected in {@link #text}. */
    private int prefixOffset;

    /** Ids in [prefixOffset, readOffset) produced the text emitted by the last delta. */
    private int readOffset;

    public IncrementalDecoder(Tokenizer tokenizer) {
        this.tokenizer = requireNonNull(tokenizer, "tokenizer is null");
    }

    /**
     * Appends one generated id.
     *
     * @return the text completed by this id; empty while a character is still unfinished
     */
    public String append(int id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
        String before = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, readOffset));
        String after = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, size));
        if (after.length() <= before.length()) {
            return "";
        }
        String delta;
        if (after.startsWith(before)) {
            delta = after.substring(before.length());
        } else {
            // A decoder whose output depends on more context than the window: resynchronize on
            // the whole sequence.
            String all = tokenizer.decode(Arrays.copyOf(ids, size));
            if (!all.startsWith(text.toString()) || all.length() == text.length()) {
                return "";
            }
            delta = all.substring(text.length());
        }
        text.append(delta);
        prefixOffset = readOffset;
        readOffset = size;
        return delta;
    }

    /**
     * All text emitted so far (equals {@code tokenizer.decode(ids())} once nothing is held back).
     */
    public String text() {
        return text.toString();
    }

    /** The ids appended so far. */
    public int[] ids() {
        return Arrays.copyOf(ids, size);
    }
}
