package dev.ssb.worker.verify;

import dev.ssb.worker.verify.Answer.Chain;
import dev.ssb.worker.verify.Answer.Choice;
import dev.ssb.worker.verify.Answer.Labelled;
import dev.ssb.worker.verify.Answer.Leaf;
import dev.ssb.worker.verify.Answer.Matrix;
import dev.ssb.worker.verify.Answer.Ratio;
import dev.ssb.worker.verify.Answer.Relation;
import dev.ssb.worker.verify.Answer.Seq;
import dev.ssb.worker.verify.Answer.Text;
import dev.ssb.worker.verify.Answer.Unordered;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Decides whether two parsed answers are equal: structure element-wise (sets in any order), leaves
 * exactly as rationals when possible, with a relative tolerance only when one side is a decimal
 * approximation, and otherwise symbolically with Symja.
 */
final class Equivalence {

    /** The outcome of one comparison, with the reason shown in the verification. */
    record Outcome(boolean equal, String reason) {
        static Outcome yes(String reason) {
            return new Outcome(true, reason);
        }

        static Outcome no(String reason) {
            return new Outcome(false, reason);
        }
    }

    private final SymjaEngine symja;
    private final double tolerance;
    private final RelationRules relations;

    Equivalence(SymjaEngine symja, double tolerance) {
        this.symja = symja;
        this.tolerance = tolerance;
        this.relations = new RelationRules(this);
    }

    Outcome compare(Answer a, Answer b, long deadline) throws TimeoutException {
        if (a instanceof Labelled || b instanceof Labelled) {
            return labelled(a, b, deadline);
        }
        if (a instanceof Chain x) {
            return chain(x, b, deadline);
        }
        if (b instanceof Chain y) {
            return chain(y, a, deadline);
        }
        if (a instanceof Relation x) {
            return relations.relation(x, b, deadline);
        }
        if (b instanceof Relation y) {
            return relations.relation(y, a, deadline);
        }
        if (a instanceof Ratio x) {
            return relations.ratio(x, b, deadline);
        }
        if (b instanceof Ratio y) {
            return relations.ratio(y, a, deadline);
        }
        if (a instanceof Leaf x && b instanceof Leaf y) {
            return leaves(x, y, deadline);
        }
        if (a instanceof Text x && b instanceof Text y) {
            return x.lowerCase().equals(y.lowerCase())
                    ? Outcome.yes("same text")
                    : Outcome.no("different text");
        }
        if (a instanceof Choice x && b instanceof Choice y) {
            return x.letter() == y.letter()
                    ? Outcome.yes("same choice")
                    : Outcome.no("different choice");
        }
        if (a instanceof Seq x && b instanceof Seq y) {
            if (x.open() != y.open() || x.close() != y.close()) {
                return Outcome.no("different brackets");
            }
            return inOrder(x.elements(), y.elements(), deadline);
        }
        if (a instanceof Seq x && b instanceof Unordered y && y.bare() && x.open() == '(') {
            return inOrder(x.elements(), y.elements(), deadline);
        }
        if (a instanceof Unordered x && x.bare() && b instanceof Seq y && y.open() == '(') {
            return inOrder(x.elements(), y.elements(), deadline);
        }
        if (a instanceof Unordered x && b instanceof Unordered y) {
            return anyOrder(x.elements(), y.elements(), deadline);
        }
        if (a instanceof Matrix x && b instanceof Seq y && y.open() == '(') {
            return columnVector(x, y.elements(), deadline);
        }
        if (a instanceof Seq x && x.open() == '(' && b instanceof Matrix y) {
            return columnVector(y, x.elements(), deadline);
        }
        if (a instanceof Matrix x && b instanceof Matrix y) {
            if (x.rows().size() != y.rows().size()) {
                return Outcome.no("different matrix shapes");
            }
            for (int i = 0; i < x.rows().size(); i++) {
                Outcome row = inOrder(x.rows().get(i), y.rows().get(i), deadline);
                if (!row.equal()) {
                    return row;
                }
            }
            return Outcome.yes("equal matrices");
        }
        return Outcome.no(
                "different kinds: "
                        + a.getClass().getSimpleName()
                        + " vs "
                        + b.getClass().getSimpleName());
    }

    /**
     * A labelled value ({@code f(x) = 1}) is its value; against an equation, {@code y = 2x} is the
     * equation {@code y - 2x = 0} again (compared up to a factor).
     */
    private Outcome labelled(Answer a, Answer b, long deadline) throws TimeoutException {
        if (a instanceof Labelled x && b instanceof Leaf y && y.equation()) {
            return labelledEquation(x, y, deadline);
        }
        if (b instanceof Labelled y && a instanceof Leaf x && x.equation()) {
            return labelledEquation(y, x, deadline);
        }
        Answer x = a instanceof Labelled l ? l.value() : a;
        Answer y = b instanceof Labelled l ? l.value() : b;
        Outcome o = compare(x, y, deadline);
        return new Outcome(o.equal(), "labelled value: " + o.reason());
    }

    private Outcome labelledEquation(Labelled a, Leaf equation, long deadline)
            throws TimeoutException {
        if (!(a.value() instanceof Leaf value) || value.expr() == null || equation.expr() == null) {
            return Outcome.no("equation vs a labelled value that is not an expression");
        }
        Expr label;
        try {
            label = LatexParser.parse(a.label());
        } catch (LatexParser.ParseException e) {
            return Outcome.no("equation vs a label that is not an expression: " + a.label());
        }
        Outcome o =
                relations.proportional(
                        equation.expr(), RelationRules.minus(label, value.expr()), false, deadline);
        return new Outcome(o.equal(), "equation vs labelled value as an equation: " + o.reason());
    }

    /** {@code z = 3+3 = 6}: every value equal (else rejected), then the last one counts. */
    private Outcome chain(Chain c, Answer other, long deadline) throws TimeoutException {
        List<Answer> values = c.values();
        for (int i = 0; i + 1 < values.size(); i++) {
            Outcome step = compare(values.get(i), values.get(i + 1), deadline);
            if (!step.equal()) {
                return Outcome.no(
                        "inconsistent chained equation at side " + (i + 2) + ": " + step.reason());
            }
        }
        Outcome o = compare(values.get(values.size() - 1), other, deadline);
        return new Outcome(o.equal(), "chained equation, last side: " + o.reason());
    }

    /** A column vector written as a tuple {@code (1, 2)} equals the same pmatrix column. */
    private Outcome columnVector(Matrix m, List<Answer> tuple, long deadline)
            throws TimeoutException {
        List<Answer> column = new ArrayList<>();
        for (List<Answer> row : m.rows()) {
            if (row.size() != 1) {
                return Outcome.no("a matrix is not a tuple");
            }
            column.add(row.get(0));
        }
        return inOrder(column, tuple, deadline);
    }

    private Outcome inOrder(List<Answer> a, List<Answer> b, long deadline) throws TimeoutException {
        if (a.size() != b.size()) {
            return Outcome.no("different lengths " + a.size() + " vs " + b.size());
        }
        for (int i = 0; i < a.size(); i++) {
            Outcome o = compare(a.get(i), b.get(i), deadline);
            if (!o.equal()) {
                return Outcome.no("element " + (i + 1) + ": " + o.reason());
            }
        }
        return Outcome.yes("equal element-wise");
    }

    private Outcome anyOrder(List<Answer> a, List<Answer> b, long deadline)
            throws TimeoutException {
        if (a.size() != b.size()) {
            return Outcome.no("different sizes " + a.size() + " vs " + b.size());
        }
        boolean[] used = new boolean[b.size()];
        for (Answer x : a) {
            boolean found = false;
            for (int j = 0; j < b.size() && !found; j++) {
                if (!used[j] && compare(x, b.get(j), deadline).equal()) {
                    used[j] = true;
                    found = true;
                }
            }
            if (!found) {
                return Outcome.no("no match for an element");
            }
        }
        return Outcome.yes("equal as sets");
    }

    private Outcome leaves(Leaf a, Leaf b, long deadline) throws TimeoutException {
        if (a.text().replace(" ", "").equals(b.text().replace(" ", ""))
                && a.equation() == b.equation()) {
            return Outcome.yes("same expression");
        }
        if (a.expr() == null || b.expr() == null) {
            return Outcome.no("cannot parse: " + (a.expr() == null ? a.error() : b.error()));
        }
        if (a.equation() != b.equation()) {
            return Outcome.no("equation vs expression");
        }
        if (a.expr().equals(b.expr())) {
            return Outcome.yes("same expression");
        }
        if (a.equation()) {
            Outcome o = relations.proportional(a.expr(), b.expr(), false, deadline);
            return new Outcome(o.equal(), "equations: " + o.reason());
        }
        boolean inexact = Expr.hasInexact(a.expr()) || Expr.hasInexact(b.expr());
        Rational ra = Expr.rational(a.expr());
        Rational rb = Expr.rational(b.expr());
        if (ra != null && rb != null) {
            if (inexact) {
                return close(ra.toDouble(), rb.toDouble());
            }
            return ra.equals(rb) ? Outcome.yes("equal numbers") : Outcome.no("different numbers");
        }
        if (inexact && !Expr.hasVariables(a.expr()) && !Expr.hasVariables(b.expr())) {
            double x = Expr.numeric(a.expr());
            double y = Expr.numeric(b.expr());
            if (Double.isFinite(x) && Double.isFinite(y)) {
                return close(x, y);
            }
        }
        return symbolic(a.expr(), b.expr(), deadline);
    }

    private Outcome close(double x, double y) {
        double scale = Math.max(Math.abs(x), Math.abs(y));
        return Math.abs(x - y) <= tolerance * scale
                ? Outcome.yes("equal within relative tolerance " + tolerance)
                : Outcome.no("different numbers");
    }

    /**
     * Symja's PossibleZeroQ is sound on ordinary answers but says True for {@code (10^100)! - 1}
     * (its numerics overflow), so a closed-form "zero" must also agree in double precision or be
     * confirmed by Simplify.
     */
    Outcome symbolic(Expr a, Expr b, long deadline) throws TimeoutException {
        if (!Expr.safeForSymja(a) || !Expr.safeForSymja(b)) {
            return Outcome.no("undecided: factorial of a huge number");
        }
        String difference = Expr.toSymja(a) + "-" + Expr.toSymja(b);
        String zero = symja.eval("PossibleZeroQ(" + difference + ")", deadline);
        if ("False".equals(zero)) {
            return Outcome.no("symbolically different");
        }
        if (!"True".equals(zero)) {
            return Outcome.no("undecided by the algebra engine");
        }
        if (Expr.hasVariables(a) || Expr.hasVariables(b)) {
            return Outcome.yes("symbolically equal");
        }
        double x = Expr.numeric(a);
        double y = Expr.numeric(b);
        if (Double.isFinite(x) && Double.isFinite(y)) {
            double scale = Math.max(1, Math.max(Math.abs(x), Math.abs(y)));
            return Math.abs(x - y) <= 1e-9 * scale
                    ? Outcome.yes("symbolically equal")
                    : Outcome.no("numerically different");
        }
        String simplified = symja.eval("Simplify(" + difference + ")", deadline);
        return "0".equals(simplified)
                ? Outcome.yes("symbolically equal")
                : Outcome.no("undecided by the algebra engine");
    }
}
