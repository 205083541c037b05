package dev.ssb.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;

/**
 * Stable problem ids: {@code <source>:} + the first 16 hex digits (64 bits) of the SHA-256 of the
 * normalised question. They depend only on the text, never on file order or partitioning.
 */
public final class ProblemIds {

    private ProblemIds() {}

    public static String of(String source, String question) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] digest = sha.digest(normalize(question).getBytes(StandardCharsets.UTF_8));
        return source + ":" + HexFormat.of().formatHex(digest, 0, 8);
    }

    /**
     * NFKC, whitespace runs collapsed to one space, trimmed: layout does not make a new problem.
     */
    static String normalize(String question) {
        return Normalizer.normalize(question, Normalizer.Form.NFKC).replaceAll("\\s+", " ").strip();
    }
}
