package dev.ssb.worker.verify;

import dev.ssb.worker.verify.Answer.Leaf;
import dev.ssb.worker.verify.Answer.Ratio;
import dev.ssb.worker.verify.Answer.Relation;
import dev.ssb.worker.verify.Equivalence.Outcome;
import dev.ssb.worker.verify.Expr.Mul;
import dev.ssb.worker.verify.Expr.Num;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Equivalence of relations: inequalities as intervals or as {@code lhs - rhs < 0} up to a positive
 * factor, equations up to a non-zero factor, ratios up to proportionality. A factor is read off at
 * one exact rational point and then confirmed symbolically, so it is never guessed from floating
 * point.
 */
final class RelationRules {

    private final Equivalence equivalence;

    RelationRules(Equivalence equivalence) {
        this.equivalence = equivalence;
    }

    /** A relation against any answer (an interval, a union, another relation). */
    Outcome relation(Relation a, Answer b, long deadline) throws TimeoutException {
        Answer ia = Relations.toInterval(a);
        if (b instanceof Relation r) {
            Answer ib = Relations.toInterval(r);
            if (ia != null && ib != null) {
                return prefixed("inequalities as intervals", equivalence.compare(ia, ib, deadline));
            }
            return inequalities(a, r, deadline);
        }
        if (ia == null) {
            return Outcome.no("an inequality that is not an interval vs another kind");
        }
        return prefixed("inequality as an interval", equivalence.compare(ia, b, deadline));
    }

    private Outcome inequalities(Relation a, Relation b, long deadline) throws TimeoutException {
        if (a.ops().size() == 1 && b.ops().size() == 1 && (hasVariables(a) || hasVariables(b))) {
            Canonical ca = canonical(a);
            Canonical cb = canonical(b);
            if (ca == null || cb == null) {
                return Outcome.no("cannot parse an inequality");
            }
            if (!ca.op().equals(cb.op())) {
                return Outcome.no("different relations " + ca.op() + " vs " + cb.op());
            }
            return prefixed(
                    "inequality " + ca.op() + " 0",
                    proportional(
                            ca.difference(),
                            cb.difference(),
                            !ca.op().equals(Relations.NE),
                            deadline));
        }
        Relation x = rightward(a);
        Relation y = rightward(b);
        if (!x.ops().equals(y.ops())) {
            return Outcome.no("different relations " + x.ops() + " vs " + y.ops());
        }
        for (int i = 0; i < x.sides().size(); i++) {
            Outcome o = equivalence.compare(x.sides().get(i), y.sides().get(i), deadline);
            if (!o.equal()) {
                return Outcome.no("chained inequality, side " + (i + 1) + ": " + o.reason());
            }
        }
        return Outcome.yes("same chained inequality");
    }

    private static boolean hasVariables(Relation r) {
        return r.sides().stream().anyMatch(l -> l.expr() != null && Expr.hasVariables(l.expr()));
    }

    /** {@code lhs op rhs} as {@code d op 0} with op one of {@code <}, {@code \le}, {@code \ne}. */
    private record Canonical(Expr difference, String op) {}

    private static Canonical canonical(Relation r) {
        Expr left = r.sides().get(0).expr();
        Expr right = r.sides().get(1).expr();
        if (left == null || right == null) {
            return null;
        }
        String op = r.ops().get(0);
        return switch (op) {
            case Relations.GT, Relations.GE ->
                    new Canonical(minus(right, left), Relations.flip(op));
            default -> new Canonical(minus(left, right), op);
        };
    }

    /** {@code a > b > c} read as {@code c < b < a}. */
    private static Relation rightward(Relation r) {
        boolean greater =
                r.ops().stream().allMatch(o -> o.equals(Relations.GT) || o.equals(Relations.GE));
        if (!greater) {
            return r;
        }
        List<Leaf> sides = new ArrayList<>(r.sides());
        java.util.Collections.reverse(sides);
        List<String> ops = new ArrayList<>();
        for (int i = r.ops().size() - 1; i >= 0; i--) {
            ops.add(Relations.flip(r.ops().get(i)));
        }
        return new Relation(sides, ops);
    }

    /**
     * Whether {@code a = c·b} for a constant {@code c} (positive when {@code positive}, non-zero
     * otherwise). The candidate c is a(p)/b(p) at an exact rational point p; Symja confirms.
     */
    Outcome proportional(Expr a, Expr b, boolean positive, long deadline) throws TimeoutException {
        if (a.equals(b)) {
            return Outcome.yes("same expression");
        }
        Rational c = factor(a, b);
        if (c == null) {
            c = Rational.ONE;
        }
        if (c.num().signum() == 0) {
            return Outcome.no("not proportional (factor 0)");
        }
        if (positive && c.num().signum() < 0) {
            return Outcome.no("direction reversed (factor " + plain(c) + " < 0)");
        }
        Outcome o = equivalence.symbolic(a, new Mul(List.of(new Num(c, false), b)), deadline);
        if (!o.equal()) {
            return Outcome.no("not proportional: " + o.reason());
        }
        return Outcome.yes(
                c.equals(Rational.ONE)
                        ? o.reason()
                        : "equal up to the factor " + plain(c) + ", " + o.reason());
    }

    private static String plain(Rational r) {
        return r.isInteger() ? r.num().toString() : r.num() + "/" + r.den();
    }

    /**
     * a(p)/b(p) at the first of a few rational points where both are rational and b(p) is not 0.
     */
    private static Rational factor(Expr a, Expr b) {
        List<String> names = new ArrayList<>(Expr.variables(a));
        for (String n : Expr.variables(b)) {
            if (!names.contains(n)) {
                names.add(n);
            }
        }
        for (int point = 0; point < 3; point++) {
            Map<String, Expr> values = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                // distinct, unremarkable rationals: 7/3, 11/5, 13/4 ... then other ones
                long p = PRIMES[(i + 3 * point) % PRIMES.length];
                values.put(
                        names.get(i),
                        new Num(
                                new Rational(
                                        BigInteger.valueOf(p), BigInteger.valueOf(i + 2 + point)),
                                false));
            }
            Rational va = Expr.rational(substituteAll(a, values));
            Rational vb = Expr.rational(substituteAll(b, values));
            if (va != null && vb != null && vb.num().signum() != 0) {
                return va.divide(vb);
            }
        }
        return null;
    }

    private static final long[] PRIMES = {7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47};

    private static Expr substituteAll(Expr e, Map<String, Expr> values) {
        Expr out = e;
        for (Map.Entry<String, Expr> v : values.entrySet()) {
            out = Expr.substitute(out, v.getKey(), v.getValue());
        }
        return out;
    }

    /** Ratios: equal part by part, else proportional (exact rationals only). */
    Outcome ratio(Ratio a, Answer b, long deadline) throws TimeoutException {
        if (b instanceof Ratio r) {
            if (a.parts().size() != r.parts().size()) {
                return Outcome.no("ratios of different lengths");
            }
            List<Rational> x = rationals(a.parts());
            List<Rational> y = rationals(r.parts());
            if (x != null && y != null) {
                for (int i = 0; i < x.size(); i++) {
                    if (!x.get(i).multiply(y.get(0)).equals(y.get(i).multiply(x.get(0)))) {
                        return Outcome.no("ratios not proportional");
                    }
                }
                return Outcome.yes("proportional ratios");
            }
            for (int i = 0; i < a.parts().size(); i++) {
                Outcome o = equivalence.compare(a.parts().get(i), r.parts().get(i), deadline);
                if (!o.equal()) {
                    return Outcome.no("ratio part " + (i + 1) + ": " + o.reason());
                }
            }
            return Outcome.yes("same ratio");
        }
        if (b instanceof Leaf l && a.parts().size() == 2) {
            List<Rational> x = rationals(a.parts());
            Rational y =
                    l.expr() == null || Expr.hasInexact(l.expr()) ? null : Expr.rational(l.expr());
            if (x != null && y != null) {
                Rational q = x.get(0).divide(x.get(1));
                return y.equals(q)
                        ? Outcome.yes("ratio as a quotient")
                        : Outcome.no("ratio vs another number");
            }
        }
        return Outcome.no("a ratio vs another kind");
    }

    /** Exact values, or null when one part is not an exact non-zero rational. */
    private static List<Rational> rationals(List<Leaf> parts) {
        List<Rational> out = new ArrayList<>();
        for (Leaf p : parts) {
            Rational r =
                    p.expr() == null || Expr.hasInexact(p.expr()) ? null : Expr.rational(p.expr());
            if (r == null || r.num().signum() == 0) {
                return null;
            }
            out.add(r);
        }
        return out;
    }

    static Expr minus(Expr a, Expr b) {
        return new Expr.Add(List.of(a, new Expr.Neg(b)));
    }

    private static Outcome prefixed(String rule, Outcome o) {
        return new Outcome(o.equal(), rule + ": " + o.reason());
    }
}
