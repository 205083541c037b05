package dev.ssb.worker.text;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The GPT-2 byte-level alphabet (tokenizers' {@code ByteLevel} decoder): every byte is written as
 * one printable character, so a token's text maps back to exact bytes. Used to find whether a
 * sequence of ids ends inside a multi-byte UTF-8 character.
 */
final class ByteLevel {

    private static final Map<Character, Byte> CHAR_TO_BYTE = charToByte();

    private ByteLevel() {}

    /** GPT-2's {@code bytes_to_unicode}, inverted. */
    private static Map<Character, Byte> charToByte() {
        Map<Character, Byte> map = new HashMap<>();
        int next = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable =
                    (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + next++);
            map.put(c, (byte) b);
        }
        return Map.copyOf(map);
    }

    /**
     * The bytes a token stands for; like the Rust decoder, a token with a character outside the
     * alphabet (an added token such as {@code "a b"}) stands for its own UTF-8 bytes.
     */
    static byte[] bytes(String token) {
        byte[] out = new byte[token.length()];
        for (int i = 0; i < token.length(); i++) {
            Byte b = CHAR_TO_BYTE.get(token.charAt(i));
            if (b == null) {
                return token.getBytes(StandardCharsets.UTF_8);
            }
            out[i] = b;
        }
        return out;
    }

    /**
     * Number of bytes at the end of {@code tokens}' byte string that form an unfinished UTF-8
     * character (0 when the string ends on a character boundary or with invalid bytes, which are
     * replaced, not waited for).
     */
    static int incompleteTailBytes(Vocabulary vocabulary, int[] ids) {
        // A UTF-8 character has at most 4 bytes: the last ≥ 4 bytes decide.
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        byte[] collected = new byte[0];
        for (int i = ids.length - 1; i >= 0 && collected.length < 4; i--) {
            tail.reset();
            tail.writeBytes(bytes(vocabulary.token(ids[i])));
            tail.writeBytes(collected);
            collected = tail.toByteArray();
        }
        CharsetDecoder decoder =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer in = ByteBuffer.wrap(collected);
        CharBuffer out = CharBuffer.allocate(collected.length * 2 + 4);
        // endOfInput=false: a valid but unfinished character stays in the buffer, unconsumed.
        decoder.decode(in, out, false);
        return in.remaining();
    }
}
