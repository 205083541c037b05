package dev.ssb.eval;

/**
 * The strict verdict, the authors' check: the extracted answer, lightly normalised, must equal the
 * gold answer, lightly normalised, character for character. "Lightly" is only: every whitespace
 * character removed, one enclosing pair of {@code $} removed, one trailing period removed. Nothing
 * else: {@code 1,000} ≠ {@code 1000}, {@code 18.00} ≠ {@code 18}, {@code \frac{1}{2}} ≠ {@code
 * 0.5}, {@code \$18} ≠ {@code 18} (the equivalence verdict accepts those; docs/verifier.md).
 */
final class StrictMatch {

    private StrictMatch() {}

    /** Whether {@code extracted} (null when no answer was found) strictly matches {@code gold}. */
    static boolean matches(String extracted, String gold) {
        if (extracted == null || gold == null) {
            return false;
        }
        String a = normalize(extracted);
        return !a.isEmpty() && a.equals(normalize(gold));
    }

    /** The light normalisation: whitespace, one {@code $…$} pair, one trailing period. */
    static String normalize(String answer) {
        StringBuilder out = new StringBuilder(answer.length());
        answer.codePoints()
                .filter(c -> !Character.isWhitespace(c) && !Character.isSpaceChar(c))
                .forEach(out::appendCodePoint);
        String s = out.toString();
        if (s.length() >= 2 && s.startsWith("$") && s.endsWith("$")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
