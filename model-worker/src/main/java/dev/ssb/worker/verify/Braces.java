package dev.ssb.worker.verify;

import java.util.ArrayList;
import java.util.List;

/** Bracket matching that ignores escaped characters such as {@code \{}. */
final class Braces {

    private Braces() {}

    /** Index of the brace closing the {@code {} at {@code open}, or -1. */
    static int matching(String s, int open) {
        int depth = 0;
        for (int j = open; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == '\\') {
                j++;
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 0) {
                    return j;
                }
            }
        }
        return -1;
    }

    /**
     * Index of the bracket closing the one at {@code open} (any of {@code ( [ \{} closes with any
     * of {@code ) ] \}}, so that half-open intervals match), or -1.
     */
    static int matchingAny(String s, int open) {
        int depth = 0;
        for (int j = open; j < s.length(); j++) {
            int kind = kind(s, j);
            if (kind > 0) {
                depth++;
            } else if (kind < 0) {
                depth--;
                if (depth == 0) {
                    return j;
                }
            }
            if (s.charAt(j) == '\\' && j + 1 < s.length()) {
                j++;
            }
        }
        return -1;
    }

    /** +1 for an opening bracket at i, -1 for a closing one, 0 otherwise. */
    static int kind(String s, int i) {
        char c = s.charAt(i);
        if (c == '\\') {
            if (i + 1 < s.length()) {
                char n = s.charAt(i + 1);
                return n == '{' ? 1 : n == '}' ? -1 : 0;
            }
            return 0;
        }
        return c == '(' || c == '[' || c == '{' ? 1 : c == ')' || c == ']' || c == '}' ? -1 : 0;
    }

    /** Splits at {@code sep} occurring at bracket depth 0 (relative to the string itself). */
    static List<String> splitTopLevel(String s, String sep) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int j = 0; j < s.length(); j++) {
            int kind = kind(s, j);
            depth += kind;
            if (depth == 0
                    && s.startsWith(sep, j)
                    && !(isCommand(sep) && followsLetter(s, j + sep.length()))) {
                parts.add(s.substring(start, j));
                start = j + sep.length();
                j = start - 1;
                continue;
            }
            if (s.charAt(j) == '\\'
                    && j + 1 < s.length()
                    && (s.charAt(j + 1) == '{' || s.charAt(j + 1) == '}')) {
                j++;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static boolean isCommand(String sep) {
        return sep.length() > 1 && sep.charAt(0) == '\\' && Character.isLetter(sep.charAt(1));
    }

    private static boolean followsLetter(String s, int i) {
        return i < s.length() && Character.isLetter(s.charAt(i));
    }
}
