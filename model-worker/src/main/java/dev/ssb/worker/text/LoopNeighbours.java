package dev.ssb.worker.text;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives jinjava jinja2's {@code loop.previtem} / {@code loop.nextitem} (Falcon's chat template
 * reads them), and transformers' {@code {% generation %}} block (SmolLM3's), by rewriting the
 * template:
 *
 * <ul>
 *   <li>a {@code {% for x in seq %}} whose own body reads them becomes {@code {% set __ssb_seqN =
 *       seq %}{% for x in __ssb_seqN %}}, and {@code loop.previtem} in that body becomes {@code
 *       (__ssb_seqN[loop.index0 - 1] if not loop.first else __ssb_undefined)} (undefined on the
 *       first item, as in jinja2); {@code loop.nextitem} likewise;
 *   <li>{@code {% generation %}} … {@code {% endgeneration %}} (which only marks the assistant's
 *       tokens for transformers' assistant mask) become {@code {% if true %}} … {@code {% endif
 *       %}}, keeping their whitespace control.
 * </ul>
 *
 * A loop with a filter ({@code for x in seq if c}) or {@code recursive} reading them is refused:
 * its items are not {@code seq}'s.
 */
final class LoopNeighbours {
    private static final Pattern TAG =
            Pattern.compile("\\{%(?:'[^']*'|\"[^\"]*\"|.)*?%}|\\{#.*?#}", Pattern.DOTALL);
    private static final Pattern FOR =
            Pattern.compile("\\{%(-?)\\s*for\\s+(.+?)\\s+in\\s+(.+?)\\s*(-?)%}", Pattern.DOTALL);
    private static final Pattern END_FOR = Pattern.compile("\\{%-?\\s*endfor\\s*-?%}");
    private static final Pattern GENERATION = Pattern.compile("\\{%(-?)\\s*generation\\s*(-?)%}");
    private static final Pattern END_GENERATION =
            Pattern.compile("\\{%(-?)\\s*endgeneration\\s*(-?)%}");
    private static final Pattern NEIGHBOUR = Pattern.compile("\\bloop\\.(previtem|nextitem)\\b");
    private static final Pattern EXPRESSION =
            Pattern.compile(
                    "\\{\\{(?:'[^']*'|\"[^\"]*\"|.)*?}}|\\{%(?:'[^']*'|\"[^\"]*\"|.)*?%}",
                    Pattern.DOTALL);

    private LoopNeighbours() {}

    static String rewrite(String template) {
        String out = GENERATION.matcher(template).replaceAll("{%$1 if true $2%}");
        out = END_GENERATION.matcher(out).replaceAll("{%$1 endif $2%}");
        return NEIGHBOUR.matcher(out).find() ? neighbours(out) : out;
    }

    /** A for loop: where its tag is, and whether its own body reads its neighbours. */
    private static final class Loop {
        final int start;
        final int end;
        boolean readsNeighbours;

        Loop(int start, int end) {
            this.start = start;
            this.end = end;
        }
    }

    private static String neighbours(String template) {
        // pass 1: which loops read loop.previtem / loop.nextitem in their own body
        List<Loop> loops = new ArrayList<>();
        Deque<Loop> open = new ArrayDeque<>();
        Matcher m = EXPRESSION.matcher(template);
        while (m.find()) {
            String tag = m.group();
            if (FOR.matcher(tag).matches()) {
                Loop loop = new Loop(m.start(), m.end());
                loops.add(loop);
                open.push(loop);
            } else if (END_FOR.matcher(tag).matches()) {
                open.poll();
            } else if (NEIGHBOUR.matcher(tag).find()) {
                if (open.isEmpty()) {
                    throw new IllegalArgumentException(
                            "Invalid chat template: loop.previtem/nextitem outside a for loop");
                }
                open.peek().readsNeighbours = true;
            }
        }
        // pass 2: rewrite those loops' headers and their own bodies
        StringBuilder out = new StringBuilder(template.length() + 128);
        Deque<String> names = new ArrayDeque<>(); // null for a loop left as it is
        int counter = 0;
        int last = 0;
        int loopIndex = 0;
        m = EXPRESSION.matcher(template);
        while (m.find()) {
            out.append(template, last, m.start());
            String tag = m.group();
            Matcher f = FOR.matcher(tag);
            if (f.matches()) {
                Loop loop = loops.get(loopIndex++);
                if (!loop.readsNeighbours) {
                    names.push("");
                    out.append(tag);
                } else {
                    String seq = f.group(3);
                    if (seq.matches("(?s).*\\s(if|recursive)\\b.*")) {
                        throw new IllegalArgumentException(
                                "Invalid chat template: loop.previtem/nextitem in a filtered or"
                                        + " recursive loop is not supported: "
                                        + tag);
                    }
                    String name = "__ssb_seq" + counter++;
                    names.push(name);
                    out.append("{%")
                            .append(f.group(1))
                            .append(" set ")
                            .append(name)
                            .append(" = ")
                            .append(seq)
                            .append(" %}{% for ")
                            .append(f.group(2))
                            .append(" in ")
                            .append(name)
                            .append(' ')
                            .append(f.group(4))
                            .append("%}");
                }
            } else if (END_FOR.matcher(tag).matches()) {
                names.poll();
                out.append(tag);
            } else if (!names.isEmpty() && !names.peek().isEmpty()) {
                String name = names.peek();
                out.append(
                        NEIGHBOUR
                                .matcher(tag)
                                .replaceAll(
                                        r ->
                                                r.group(1).equals("previtem")
                                                        ? "("
                                                                + name
                                                                + "[loop.index0 - 1] if not loop.first else __ssb_undefined)"
                                                        : "("
                                                                + name
                                                                + "[loop.index0 + 1] if not loop.last else __ssb_undefined)"));
            } else {
                out.append(tag);
            }
            last = m.end();
        }
        out.append(template, last, template.length());
        return out.toString();
    }
}
