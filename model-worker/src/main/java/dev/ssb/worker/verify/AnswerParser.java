package dev.ssb.worker.verify;

import dev.ssb.worker.verify.Answer.Chain;
import dev.ssb.worker.verify.Answer.Choice;
import dev.ssb.worker.verify.Answer.Labelled;
import dev.ssb.worker.verify.Answer.Leaf;
import dev.ssb.worker.verify.Answer.Matrix;
import dev.ssb.worker.verify.Answer.Ratio;
import dev.ssb.worker.verify.Answer.Seq;
import dev.ssb.worker.verify.Answer.Text;
import dev.ssb.worker.verify.Answer.Unordered;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a normalised answer into its structure (labels such as {@code f(x) =}, matrices, unions,
 * sets, tuples/intervals, comma lists, relations and chained equations, {@code \pm}, ratios, text,
 * choices) so that only leaf expressions reach the algebra.
 */
final class AnswerParser {

    /** Deeper structures than this are compared as text only. */
    private static final int MAX_NESTING = 8;

    private static final int MAX_ELEMENTS = 64;

    private static final Pattern THOUSANDS = Pattern.compile("-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?");
    private static final Pattern CHOICE = Pattern.compile("\\(([A-Ea-e])\\)(?:\\s.*)?|([A-E])");

    /** {@code 18 eggs}: a plain number followed by words (GSM8K-style answers). */
    private static final Pattern NUMBER_WORDS =
            Pattern.compile("(-?[0-9][0-9,]*(?:\\.[0-9]+)?)\\s+[A-Za-z]{3,}[A-Za-z ]*");

    private static final Pattern WORDS = Pattern.compile("[A-Za-z]+(?: [A-Za-z]+)*");
    private static final Pattern LONG_WORD = Pattern.compile("[A-Za-z]{3,}");

    /** {@code x \in [1,2]} means the right-hand side. */
    private static final Pattern MEMBERSHIP =
            Pattern.compile(
                    "^((?:[A-Za-z]|\\\\(?:theta|alpha|beta|gamma|phi|lambda|mu|omega|rho|sigma|tau))"
                            + "(?:_\\{?[A-Za-z0-9]+\\}?)?)\\s*\\\\in(?![A-Za-z])\\s*");

    private static final Pattern MATRIX =
            Pattern.compile(
                    "^\\\\begin\\{([pbvBV]?matrix|array)\\}(?:\\{[lcr|]*\\})?(.*)\\\\end\\{\\1\\}$",
                    Pattern.DOTALL);

    private AnswerParser() {}

    static Answer parse(String normalized, boolean wasText) {
        return parse(normalized.strip(), wasText, 0);
    }

    private static Answer parse(String s, boolean wasText, int nesting) {
        if (nesting > MAX_NESTING) {
            return new Leaf(s, null, "nested deeper than " + MAX_NESTING, false);
        }
        s = s.strip();
        Matcher membership = MEMBERSHIP.matcher(s);
        if (membership.lookingAt() && membership.end() < s.length()) {
            String rest = s.substring(membership.end());
            if (Relations.split(rest).ops().isEmpty()) {
                return new Labelled(membership.group(1).strip(), parse(rest, wasText, nesting + 1));
            }
        }
        Relations.Split relation = Relations.split(s);
        if (relation.ops().size() == 1
                && !Relations.isInequality(relation.ops().get(0))
                && Relations.isLabel(relation.sides().get(0))
                && !relation.sides().get(1).isEmpty()) {
            // f(x) = 1, (p,q) = (3,2), x \approx 11: the value, with its name
            return new Labelled(
                    relation.sides().get(0), parse(relation.sides().get(1), wasText, nesting + 1));
        }
        Matcher words = NUMBER_WORDS.matcher(s);
        if (words.matches()) {
            s = words.group(1);
        }
        if (THOUSANDS.matcher(s).matches()) {
            s = s.replace(",", "");
        }
        Matcher choice = CHOICE.matcher(s);
        if (choice.matches()) {
            String letter = choice.group(1) != null ? choice.group(1) : choice.group(2);
            return new Choice(Character.toUpperCase(letter.charAt(0)));
        }
        if (WORDS.matcher(s).matches() && (LONG_WORD.matcher(s).find() || wasText)) {
            return new Text(s.toLowerCase(Locale.ROOT));
        }
        Matcher matrix = MATRIX.matcher(unbracket(s));
        if (matrix.matches()) {
            return matrix(matrix.group(2), nesting);
        }
        List<String> union = Braces.splitTopLevel(s, "\\cup");
        if (union.size() > 1) {
            return unordered(union, false, nesting);
        }
        if (s.startsWith("\\{")
                && s.endsWith("\\}")
                && Braces.matchingAny(s, 0) == s.length() - 2) {
            List<String> parts = Braces.splitTopLevel(s.substring(2, s.length() - 2), ",");
            return unordered(parts, false, nesting);
        }
        if (s.startsWith("{") && Braces.matching(s, 0) == s.length() - 1) {
            // a set written in plain braces {1,2,3} (one element in braces is only a group)
            List<String> parts = Braces.splitTopLevel(s.substring(1, s.length() - 1), ",");
            if (parts.size() >= 2) {
                return unordered(parts, false, nesting);
            }
        }
        if ((s.startsWith("(") || s.startsWith("["))
                && Braces.matchingAny(s, 0) == s.length() - 1) {
            String inner = s.substring(1, s.length() - 1);
            List<String> parts = Braces.splitTopLevel(inner, ",");
            if (parts.size() >= 2 && parts.size() <= MAX_ELEMENTS) {
                List<Answer> elements = new ArrayList<>();
                for (String p : parts) {
                    elements.add(parse(p, false, nesting + 1));
                }
                return new Seq(s.charAt(0), s.charAt(s.length() - 1), elements);
            }
        }
        // "x = 1 or x = 2" (words survive normalisation as plain text)
        String listed = s.replace(" or ", ",").replace(" and ", ",");
        List<String> commas = Braces.splitTopLevel(listed, ",");
        if (commas.size() > 1) {
            return unordered(commas, true, nesting);
        }
        if (!relation.ops().isEmpty()) {
            return relation(relation, wasText, nesting);
        }
        for (String pm : new String[] {"\\pm", "\\mp"}) {
            List<String> sides = Braces.splitTopLevel(s, pm);
            if (sides.size() == 2) {
                return plusMinus(s, sides.get(0), sides.get(1));
            }
        }
        List<String> ratio = Braces.splitTopLevel(s, ":");
        if (ratio.size() >= 2 && ratio.size() <= MAX_ELEMENTS) {
            List<Leaf> parts = new ArrayList<>();
            for (String part : ratio) {
                parts.add(Leaf.of(part.strip(), false));
            }
            return new Ratio(parts);
        }
        return Leaf.of(s, false);
    }

    /** {@code [\begin{array}..\end{array}]} (brackets written around an array) is the array. */
    private static String unbracket(String s) {
        if ((s.startsWith("(") || s.startsWith("["))
                && (s.endsWith(")") || s.endsWith("]"))
                && s.length() > 2) {
            String inner = s.substring(1, s.length() - 1).strip();
            if (inner.startsWith("\\begin{array}") && inner.endsWith("\\end{array}")) {
                return inner;
            }
        }
        return s;
    }

    /**
     * Equations and inequalities. Leading labels are dropped ({@code z = 3+3 = 6} is the chain
     * {@code 3+3 = 6}); an approximation ends the exact part ({@code x = 1/3 \approx 0.33} is 1/3);
     * {@code lhs = rhs} with a variable is an equation; inequalities keep their sides.
     */
    private static Answer relation(Relations.Split split, boolean wasText, int nesting) {
        List<String> sides = split.sides();
        List<String> ops = split.ops();
        boolean equalities = ops.stream().noneMatch(Relations::isInequality);
        if (!equalities) {
            if (!ops.stream().allMatch(Relations::isInequality) || sides.size() > 4) {
                return new Leaf(String.join(" ", sides), null, "mixed relation " + ops, false);
            }
            List<Leaf> leaves = new ArrayList<>();
            for (String side : sides) {
                leaves.add(Leaf.of(side, false));
            }
            return new Answer.Relation(leaves, ops);
        }
        int first = 0;
        while (first < ops.size()
                && (sides.get(first).isEmpty() || Relations.isLabel(sides.get(first)))) {
            first++;
        }
        int last = first;
        while (last < ops.size() && ops.get(last).equals(Relations.EQ)) {
            last++;
        }
        List<String> values = sides.subList(first, last + 1);
        String label = first > 0 && !sides.get(first - 1).isEmpty() ? sides.get(first - 1) : null;
        if (values.size() == 1) {
            Answer value = parse(values.get(0), wasText, nesting + 1);
            return label == null ? value : new Labelled(label, value);
        }
        if (first == 0 && values.size() == 2) {
            Leaf equation = Leaf.of("(" + values.get(0) + ")-(" + values.get(1) + ")", true);
            if (equation.expr() == null || Expr.hasVariables(equation.expr())) {
                return equation;
            }
        }
        if (values.size() > MAX_ELEMENTS) {
            return new Leaf(String.join("=", values), null, "too long a chain", false);
        }
        List<Answer> chain = new ArrayList<>();
        for (String v : values) {
            chain.add(parse(v, wasText, nesting + 1));
        }
        Answer c = new Chain(chain);
        return label == null ? c : new Labelled(label, c);
    }

    private static Answer unordered(List<String> parts, boolean bare, int nesting) {
        if (parts.size() > MAX_ELEMENTS) {
            return new Leaf(String.join(",", parts), null, "too many elements", false);
        }
        List<Answer> elements = new ArrayList<>();
        for (String p : parts) {
            Answer a = parse(p, false, nesting + 1);
            if (a instanceof Unordered u && !u.bare()) {
                elements.addAll(u.elements()); // {1 \pm \sqrt5, -2} has three elements
            } else {
                elements.add(a);
            }
        }
        return new Unordered(elements, bare);
    }

    private static Answer plusMinus(String whole, String left, String right) {
        String l = left.isBlank() ? "0" : left;
        Leaf plus = Leaf.of("(" + l + ")+(" + right + ")", false);
        Leaf minus = Leaf.of("(" + l + ")-(" + right + ")", false);
        if (plus.expr() == null || minus.expr() == null) {
            return new Leaf(whole, null, plus.expr() == null ? plus.error() : minus.error(), false);
        }
        return new Unordered(List.of(plus, minus), false);
    }

    private static Answer matrix(String body, int nesting) {
        List<List<Answer>> rows = new ArrayList<>();
        for (String row : Braces.splitTopLevel(body, "\\\\")) {
            if (row.isBlank()) {
                continue;
            }
            List<Answer> cells = new ArrayList<>();
            for (String cell : Braces.splitTopLevel(row, "&")) {
                cells.add(parse(cell, false, nesting + 1));
            }
            rows.add(cells);
        }
        return new Matrix(rows);
    }
}
