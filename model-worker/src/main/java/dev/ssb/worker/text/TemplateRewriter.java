package dev.ssb.worker.text;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the pieces of jinja2 syntax jinjava reads differently into equivalent jinjava syntax:
 *
 * <ul>
 *   <li>{@code seq[::-1]} (jinjava has no slice step) becomes {@code (seq|reverse)};
 *   <li>a keyword argument whose value is an expression, {@code namespace(k=messages|length - 1)},
 *       which jinjava reads as {@code (k=messages|length) - 1}, gets its value parenthesized:
 *       {@code namespace(k=(messages|length - 1))};
 *   <li>{@code x+1} becomes {@code x+ 1} (jinjava scans {@code +1} as a signed number);
 *   <li>blanks before a block tag or comment in the middle of a line, which jinjava's lstrip_blocks
 *       would remove, are moved into an expression {@code {{ ' ' }}}.
 * </ul>
 *
 * Text outside tags and string literals inside tags are never changed; {@code raw} blocks are
 * copied as they are (so blanks before a mid-line {@code endraw} may still be stripped).
 */
final class TemplateRewriter {

    /** A string literal inside a tag (a "}}" in it does not close the tag). */
    private static final String LITERAL = "'(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"";

    private static final Pattern TAG =
            Pattern.compile(
                    "\\{\\{(?:" + LITERAL + "|.)*?}}|\\{%(?:" + LITERAL + "|.)*?%}|\\{#.*?#}",
                    Pattern.DOTALL);
    private static final Pattern REVERSED =
            Pattern.compile(
                    "([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*)\\[\\s*::\\s*-1\\s*]");
    private static final Pattern RAW = Pattern.compile("\\{%-?\\s*raw\\s*-?%}");
    private static final Pattern END_RAW = Pattern.compile("\\{%-?\\s*endraw\\s*-?%}");
    private static final Pattern STRING = Pattern.compile(LITERAL);
    private static final Pattern FILTER = Pattern.compile("\\|\\s*([A-Za-z_][A-Za-z0-9_]*)");
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
            if ((tag.startsWith("{%") || tag.startsWith("{#"))
                    && !(tag.startsWith("{%-") || tag.startsWith("{#-"))) {
                keepMidLineBlanks(template, last, m.start(), out);
            }
            if (tag.startsWith("{#") || DEFINITION.matcher(tag).find()) {
                out.append(tag);
            } else {
                out.append(fixExpressions(reverseSlices(tag)));
            }
            last = m.end();
        }
        out.append(template, last, template.length());
        return out.toString();
    }

    /**
     * jinja2's lstrip_blocks removes blanks before a block tag or comment only when it starts its
     * line; jinjava removes them everywhere. Blanks before a mid-line tag are moved into an
     * expression, where no trimming reaches them.
     */
    private static void keepMidLineBlanks(
            String template, int textStart, int tagStart, StringBuilder out) {
        int j = tagStart;
        while (j > textStart && (template.charAt(j - 1) == ' ' || template.charAt(j - 1) == '\t')) {
            j--;
        }
        boolean midLine = j > 0 && template.charAt(j - 1) != '\n';
        // Right after a tag that trims what follows ("-%}"), the blanks are gone anyway.
        boolean trimmedByPrevious = j == textStart && j >= 3 && template.charAt(j - 3) == '-';
        if (j == tagStart || !midLine || trimmedByPrevious) {
            return;
        }
        out.setLength(out.length() - (tagStart - j));
        out.append("{{ '").append(template, j, tagStart).append("' }}");
    }

    /**
     * Every printed expression {@code {{ x }}} of a (rewritten) template becomes {@code {{
     * (x)|__ssb_print }}}, which prints booleans as Python's {@code True}/{@code False}; raw blocks
     * are left alone.
     */
    static String printLikePython(String template) {
        Matcher m = TAG.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 64);
        int last = 0;
        while (m.find()) {
            out.append(template, last, m.start());
            String tag = m.group();
            if (RAW.matcher(tag).matches()) {
                Matcher end = END_RAW.matcher(template);
                int stop = end.find(m.end()) ? end.end() : template.length();
                out.append(template, m.start(), stop);
                last = stop;
                m.region(stop, template.length());
                continue;
            }
            out.append(printTag(tag));
            last = m.end();
        }
        out.append(template, last, template.length());
        return out.toString();
    }

    private static String printTag(String tag) {
        if (!tag.startsWith("{{")) {
            return tag;
        }
        int from = tag.startsWith("{{-") || tag.startsWith("{{+") ? 3 : 2;
        int to = tag.endsWith("-}}") || tag.endsWith("+}}") ? tag.length() - 3 : tag.length() - 2;
        String inner = tag.substring(from, to);
        if (inner.isBlank()) {
            return tag;
        }
        return tag.substring(0, from)
                + " ("
                + inner.strip()
                + ")|"
                + PyFilters.PRINT
                + " "
                + tag.substring(to);
    }

    /** Names used as filters ({@code x | name}) in the tags of a template. */
    static Set<String> filterNames(String template) {
        Set<String> names = new TreeSet<>();
        Matcher m = TAG.matcher(template);
        while (m.find()) {
            if (m.group().startsWith("{#")) {
                continue;
            }
            String code = STRING.matcher(m.group()).replaceAll("''");
            Matcher f = FILTER.matcher(code);
            while (f.find()) {
                names.add(f.group(1));
            }
        }
        return names;
    }

    private static String reverseSlices(String tag) {
        return REVERSED.matcher(tag).replaceAll("($1|reverse)");
    }

    /**
     * Wraps each {@code name=value} argument of a call in {@code name=(value)}, and writes {@code
     * a+1} as {@code a+ 1} (jinjava scans {@code +1} as a number and then fails on {@code a +1}).
     */
    static String fixExpressions(String tag) {
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
                case '+':
                    out.append(c);
                    boolean exponent =
                            i >= 2
                                    && "eE".indexOf(tag.charAt(i - 1)) >= 0
                                    && Character.isDigit(tag.charAt(i - 2));
                    if (!exponent && i + 1 < tag.length() && Character.isDigit(tag.charAt(i + 1))) {
                        out.append(' ');
                    }
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
