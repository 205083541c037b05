package dev.ssb.worker.verify;

import java.util.Map;
import java.util.Set;

/**
 * Character-level reading for {@link LatexParser}: position, lookahead, nesting depth, and the
 * LaTeX vocabulary it knows (functions, Greek letters, binary operators).
 */
abstract class LatexCursor {

    /** Thrown when the input is not an expression the parser understands. */
    static final class ParseException extends Exception {
        ParseException(String message) {
            super(message, null, false, false);
        }
    }

    /** Deeper nesting is rejected (Symja's own parser overflows its stack near 1000). */
    static final int MAX_DEPTH = 100;

    static final Map<String, String> FUNCTIONS =
            Map.ofEntries(
                    Map.entry("sin", "Sin"),
                    Map.entry("cos", "Cos"),
                    Map.entry("tan", "Tan"),
                    Map.entry("cot", "Cot"),
                    Map.entry("sec", "Sec"),
                    Map.entry("csc", "Csc"),
                    Map.entry("arcsin", "ArcSin"),
                    Map.entry("arccos", "ArcCos"),
                    Map.entry("arctan", "ArcTan"),
                    Map.entry("sinh", "Sinh"),
                    Map.entry("cosh", "Cosh"),
                    Map.entry("tanh", "Tanh"),
                    Map.entry("ln", "Log"),
                    Map.entry("log", "Log"),
                    Map.entry("exp", "Exp"));
    static final Set<String> GREEK =
            Set.of(
                    "alpha",
                    "beta",
                    "gamma",
                    "delta",
                    "epsilon",
                    "varepsilon",
                    "zeta",
                    "eta",
                    "theta",
                    "vartheta",
                    "iota",
                    "kappa",
                    "lambda",
                    "mu",
                    "nu",
                    "xi",
                    "rho",
                    "sigma",
                    "tau",
                    "upsilon",
                    "phi",
                    "varphi",
                    "chi",
                    "psi",
                    "omega",
                    "Gamma",
                    "Delta",
                    "Theta",
                    "Lambda",
                    "Xi",
                    "Sigma",
                    "Phi",
                    "Psi",
                    "Omega");
    static final Set<String> BINARY = Set.of("cdot", "times", "div", "pm", "mp");

    final String s;
    int pos;
    int depth;

    LatexCursor(String s) {
        this.s = s;
    }

    final boolean startsWithDigit() {
        skip();
        return Character.isDigit(peek());
    }

    final boolean eatCommand(String name) {
        if (s.startsWith("\\" + name, pos)) {
            int end = pos + 1 + name.length();
            if (end >= s.length() || !isAsciiLetter(s.charAt(end))) {
                pos = end;
                return true;
            }
        }
        return false;
    }

    final void enter() throws ParseException {
        if (++depth > MAX_DEPTH) {
            throw new ParseException("Nesting deeper than " + MAX_DEPTH);
        }
    }

    final void expect(char c) throws ParseException {
        if (!eat(c)) {
            throw new ParseException("Expected '" + c + "' at " + pos);
        }
    }

    final boolean eat(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    final void skip() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
            pos++;
        }
    }

    final char peek() {
        return peekAt(pos);
    }

    final char peekAt(int i) {
        return i < s.length() ? s.charAt(i) : 0;
    }

    static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    final boolean startsPrimary() {
        skip();
        char c = peek();
        if (Character.isDigit(c) || isAsciiLetter(c) || c == '(' || c == '{') {
            return true;
        }
        if (c == '.' && Character.isDigit(peekAt(pos + 1))) {
            return true;
        }
        if (c == '\\') {
            int end = pos + 1;
            while (end < s.length() && isAsciiLetter(s.charAt(end))) {
                end++;
            }
            String name = s.substring(pos + 1, end);
            return !name.isEmpty() && !BINARY.contains(name);
        }
        return false;
    }
}
