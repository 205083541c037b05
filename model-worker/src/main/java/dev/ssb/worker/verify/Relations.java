package dev.ssb.worker.verify;

import dev.ssb.worker.verify.Answer.Leaf;
import dev.ssb.worker.verify.Answer.Relation;
import dev.ssb.worker.verify.Answer.Seq;
import dev.ssb.worker.verify.Answer.Unordered;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reading relations: splitting {@code a < b \le c} at its top-level relation symbols (after {@link
 * Normalizer} made them canonical), recognising a label such as {@code f(x)} or {@code (p,q)}, and
 * turning an inequality in one labelled quantity into the interval it describes.
 */
final class Relations {

    static final String EQ = "=";
    static final String APPROX = "\\approx";
    static final String LT = "<";
    static final String GT = ">";
    static final String LE = "\\le";
    static final String GE = "\\ge";
    static final String NE = "\\ne";

    private static final List<String> COMMANDS = List.of(LE, GE, NE, APPROX);

    /**
     * A name: a letter, two or three capitals ({@code AB}), a Greek letter; then a subscript,
     * primes, and a simple argument list ({@code f(x)}, {@code P(A, B)}, not {@code x(x+1)}).
     */
    private static final String ATOM =
            "(?:m?\\\\angle\\s*)?(?:[A-Za-z]|[A-Z]{2,3}|\\\\(?:alpha|beta|gamma|delta|theta|phi"
                    + "|varphi|lambda|mu|omega|rho|sigma|tau|psi|xi|eta|Delta|Omega))"
                    + "(?:_(?:\\{[A-Za-z0-9]{1,12}\\}|[A-Za-z0-9]))?'*"
                    + "(?:\\s*\\([A-Za-z0-9,= ]{1,16}\\))?";

    private static final Pattern LABEL =
            Pattern.compile(
                    ATOM
                            + "|\\(\\s*"
                            + ATOM
                            + "(?:\\s*,\\s*"
                            + ATOM
                            + ")+\\s*\\)|"
                            + ATOM
                            + "(?:\\s*:\\s*"
                            + ATOM
                            + ")+");

    /** Sides and the relation symbols between them; {@code ops} is empty for no relation. */
    record Split(List<String> sides, List<String> ops) {}

    private Relations() {}

    /** Splits at relation symbols outside brackets. */
    static Split split(String s) {
        List<String> sides = new ArrayList<>();
        List<String> ops = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int j = 0; j < s.length(); j++) {
            depth += Braces.kind(s, j);
            char c = s.charAt(j);
            if (c == '\\'
                    && j + 1 < s.length()
                    && (s.charAt(j + 1) == '{' || s.charAt(j + 1) == '}')) {
                j++;
                continue;
            }
            if (depth != 0) {
                continue;
            }
            String op = null;
            if (c == '=' || c == '<' || c == '>') {
                op = String.valueOf(c);
            } else if (c == '\\') {
                for (String command : COMMANDS) {
                    int end = j + command.length();
                    if (s.startsWith(command, j)
                            && (end >= s.length() || !Character.isLetter(s.charAt(end)))) {
                        op = command;
                    }
                }
            }
            if (op != null) {
                sides.add(s.substring(start, j).strip());
                ops.add(op);
                start = j + op.length();
                j = start - 1;
            }
        }
        sides.add(s.substring(start).strip());
        return new Split(sides, ops);
    }

    static boolean isLabel(String side) {
        return side.length() <= 60 && LABEL.matcher(side.strip()).matches();
    }

    static boolean isInequality(String op) {
        return op.equals(LT) || op.equals(GT) || op.equals(LE) || op.equals(GE) || op.equals(NE);
    }

    /** {@code >} as {@code <} and {@code \ge} as {@code \le} (for reading right to left). */
    static String flip(String op) {
        return switch (op) {
            case LT -> GT;
            case GT -> LT;
            case LE -> GE;
            case GE -> LE;
            default -> op;
        };
    }

    /**
     * The interval (or, for {@code \ne}, the union of two) that a relation describes when one side
     * is a label and the others are constants: {@code x \ge 5} is {@code [5, \infty)}, {@code -793
     * < a < 10} is {@code (-793, 10)}. Null for any other relation.
     */
    static Answer toInterval(Relation r) {
        List<Leaf> sides = r.sides();
        List<String> ops = r.ops();
        if (ops.size() == 1) {
            Leaf left = sides.get(0);
            Leaf right = sides.get(1);
            if (isLabel(left.text()) && isConstant(right)) {
                return oneSided(ops.get(0), right);
            }
            if (isLabel(right.text()) && isConstant(left)) {
                return oneSided(flip(ops.get(0)), left);
            }
            return null;
        }
        if (ops.size() == 2
                && isConstant(sides.get(0))
                && isLabel(sides.get(1).text())
                && isConstant(sides.get(2))) {
            String a = ops.get(0);
            String b = ops.get(1);
            if (isLess(a) && isLess(b)) {
                return interval(
                        a.equals(LT) ? '(' : '[',
                        sides.get(0),
                        sides.get(2),
                        b.equals(LT) ? ')' : ']');
            }
            if (isLess(flip(a)) && isLess(flip(b))) {
                return interval(
                        b.equals(GT) ? '(' : '[',
                        sides.get(2),
                        sides.get(0),
                        a.equals(GT) ? ')' : ']');
            }
        }
        return null;
    }

    private static boolean isLess(String op) {
        return op.equals(LT) || op.equals(LE);
    }

    private static boolean isConstant(Leaf leaf) {
        return leaf.expr() != null && !Expr.hasVariables(leaf.expr());
    }

    /** {@code label op c}. */
    private static Answer oneSided(String op, Leaf c) {
        Leaf minus = Leaf.of("-\\infty", false);
        Leaf plus = Leaf.of("\\infty", false);
        return switch (op) {
            case LT -> interval('(', minus, c, ')');
            case LE -> interval('(', minus, c, ']');
            case GT -> interval('(', c, plus, ')');
            case GE -> interval('[', c, plus, ')');
            case NE ->
                    new Unordered(
                            List.of(interval('(', minus, c, ')'), interval('(', c, plus, ')')),
                            false);
            default -> null;
        };
    }

    private static Seq interval(char open, Leaf from, Leaf to, char close) {
        return new Seq(open, close, List.of(from, to));
    }
}
