package dev.ssb.worker.text;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the two pieces of jinja2 syntax jinjava parses differently, inside tags only:
 *
 * <ul>
 *   <li>{@code seq[::-1]} (jinjava has no slice step) becomes {@code (seq|reverse)};
 *   <li>a keyword argument whose value is an expression, {@code namespace(k=messages|length - 1)},
 *       which jinjava reads as {@code (k=messages|length) - 1}, gets its value parenthesized:
 *       {@code namespace(k=(messages|length - 1))}.
 * </ul>
 *
 * Text outside {@code {{ }}}/{@code {% %}} and string literals inside tags are never changed.
 */
final class TemplateRewriter {

    private static final Pattern TAG =
            Pattern.compile("\\{\\{.*?}}|\\{%.*?%}|\\{#.*?#}", Pattern.DOTALL);
    private static final Pattern REVERSED =
            Pattern.compile(
                    "([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*)\\[\\s*::\\s*-1\\s*]");
    private static final Pattern RAW = Pattern.compile("\\{%-?\\s*raw\\s*-?%}");
    private static final Pattern END_RAW = Pattern.compile("\\{%-?\\s*endraw\\s*-?%}");
    private static final Pattern DEFINITION = Pattern.compile("^\\{%-?\\s*(macro|call)\\b");

    private TemplateRewriter() {}

    static String rewrite(String template) {
        Matcher m = TAG.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 64);
        int last = 0;
        while (m.find()) {
            out.append(template, last, m.start());
            String tag = m.group();
            if (RAW.matcher(tag).matches()) {
                // Everything up to {% endraw %} is text, even if it looks like tags.
                Matcher end = END_RAW.matcher(template);
                int stop = end.find(m.end()) ? end.end() : template.length();
                out.append(template, m.start(), stop);
                last = stop;
                m.region(stop, template.length());
                continue;
            }
            if (tag.startsWith("{#") || DEFINITION.matcher(tag).find()) {
                out.append(tag);
            } else {
                out.append(parenthesizeKeywordValues(reverseSlices(tag)));
            }
            last = m.end();
        }
        out.append(template, last, template.length());
        return out.toString();
    }

    private static String reverseSlices(String tag) {
        return REVERSED.matcher(tag).replaceAll("($1|reverse)");
    }

    /** Wraps each {@code name=value} argument of a call in {@code name=(value)}. */
    static String parenthesizeKeywordValues(String tag) {
        StringBuilder out = new StringBuilder(tag.length() + 8);
        // For each open parenthesis: whether it is a call and whether a keyword value is open.
        Deque<int[]> frames = new ArrayDeque<>();
        char quote = 0;
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (quote != 0) {
                out.append(c);
                if (c == '\\' && i + 1 < tag.length()) {
                    out.append(tag.charAt(++i));
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            int[] top = frames.peek();
            switch (c) {
                case '\'':
                case '"':
                    quote = c;
                    out.append(c);
                    break;
                case '(':
                case '[':
                case '{':
                    boolean call = c == '(' && isCallee(out);
                    frames.push(new int[] {call ? 1 : 0, 0});
                    out.append(c);
                    break;
                case ')':
                case ']':
                case '}':
                    if (top != null) {
                        if (top[1] == 1) {
                            out.append(')');
                        }
                        frames.pop();
                    }
                    out.append(c);
                    break;
                case ',':
                    if (top != null && top[1] == 1) {
                        out.append(')');
                        top[1] = 0;
                    }
                    out.append(c);
                    break;
                case '=':
                    boolean comparison =
                            (i + 1 < tag.length() && tag.charAt(i + 1) == '=')
                                    || (i > 0 && "=!<>".indexOf(tag.charAt(i - 1)) >= 0);
                    out.append(c);
                    if (!comparison && top != null && top[0] == 1 && top[1] == 0) {
                        out.append('(');
                        top[1] = 1;
                    }
                    break;
                default:
                    out.append(c);
            }
        }
        return out.toString();
    }

    /** Whether the text before an opening parenthesis ends with a name (a call, not a group). */
    private static boolean isCallee(StringBuilder before) {
        int i = before.length() - 1;
        while (i >= 0 && before.charAt(i) == ' ') {
            i--;
        }
        if (i < 0) {
            return false;
        }
        char c = before.charAt(i);
        if (!(Character.isLetterOrDigit(c) || c == '_')) {
            return false;
        }
        int end = i + 1;
        while (i >= 0 && (Character.isLetterOrDigit(before.charAt(i)) || before.charAt(i) == '_')) {
            i--;
        }
        String word = before.substring(i + 1, end);
        // `not (x)`, `and (x)`, `if (x)`, `in (x)`: keywords followed by a group, not calls.
        return !word.matches("not|and|or|if|elif|in|is|else|set|for|return");
    }
}
