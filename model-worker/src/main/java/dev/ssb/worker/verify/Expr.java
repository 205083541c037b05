package dev.ssb.worker.verify;

import java.math.BigInteger;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A parsed leaf expression. It can be evaluated exactly when it is a rational number, as a double
 * when it is a real constant, and written in Symja's input syntax for everything else.
 */
sealed interface Expr {

    /** A literal; {@code inexact} when written with a decimal point. */
    record Num(Rational value, boolean inexact) implements Expr {}

    /** A variable, already renamed to a Symja-safe identifier. */
    record Var(String name) implements Expr {}

    /** Pi, E, I or Infinity. */
    record Const(String symja) implements Expr {}

    record Add(List<Expr> terms) implements Expr {}

    record Neg(Expr arg) implements Expr {}

    record Mul(List<Expr> factors) implements Expr {}

    record Div(Expr num, Expr den) implements Expr {}

    record Pow(Expr base, Expr exp) implements Expr {}

    /** A Symja function such as Sqrt, Sin, Log, Factorial, Binomial, Abs. */
    record Fn(String name, List<Expr> args) implements Expr {}

    /** Exact value, or null when not a rational number (or too big to compute here). */
    static Rational rational(Expr e) {
        if (e instanceof Num n) {
            return n.value();
        } else if (e instanceof Neg n) {
            Rational r = rational(n.arg());
            return r == null ? null : r.negate();
        } else if (e instanceof Add a) {
            Rational sum = Rational.ZERO;
            for (Expr t : a.terms()) {
                Rational r = rational(t);
                if (r == null) {
                    return null;
                }
                if (sum.bits() + r.bits() > Rational.MAX_BITS) {
                    return null;
                }
                sum = sum.add(r);
            }
            return sum;
        } else if (e instanceof Mul m) {
            Rational product = Rational.ONE;
            for (Expr f : m.factors()) {
                Rational r = rational(f);
                if (r == null) {
                    return null;
                }
                if (product.bits() + r.bits() > Rational.MAX_BITS) {
                    return null; // never build a number Symja would refuse anyway
                }
                product = product.multiply(r);
            }
            return product;
        } else if (e instanceof Div d) {
            Rational a = rational(d.num());
            Rational b = rational(d.den());
            Rational q = a == null || b == null ? null : a.divide(b);
            return q == null || q.isHuge() ? null : q;
        } else if (e instanceof Pow p) {
            Rational a = rational(p.base());
            Rational b = rational(p.exp());
            if (a == null || b == null || a.num().signum() == 0 && b.num().signum() <= 0) {
                return null;
            }
            return a.pow(b);
        } else if (e instanceof Fn f && f.name().equals("Factorial") && f.args().size() == 1) {
            Rational r = rational(f.args().get(0));
            if (r == null || !r.isInteger() || r.num().signum() < 0) {
                return null;
            }
            if (r.num().compareTo(BigInteger.valueOf(300)) > 0) {
                return null;
            }
            BigInteger acc = BigInteger.ONE;
            for (int i = 2; i <= r.num().intValue(); i++) {
                acc = acc.multiply(BigInteger.valueOf(i));
            }
            return new Rational(acc, BigInteger.ONE);
        }
        return null;
    }

    /** Real value in double precision, NaN when symbolic, complex or undefined. */
    static double numeric(Expr e) {
        if (e instanceof Num n) {
            return n.value().toDouble();
        } else if (e instanceof Const c) {
            return switch (c.symja()) {
                case "Pi" -> Math.PI;
                case "E" -> Math.E;
                default -> Double.NaN;
            };
        } else if (e instanceof Neg n) {
            return -numeric(n.arg());
        } else if (e instanceof Add a) {
            double s = 0;
            for (Expr t : a.terms()) {
                s += numeric(t);
            }
            return s;
        } else if (e instanceof Mul m) {
            double p = 1;
            for (Expr f : m.factors()) {
                p *= numeric(f);
            }
            return p;
        } else if (e instanceof Div d) {
            return numeric(d.num()) / numeric(d.den());
        } else if (e instanceof Pow p) {
            return Math.pow(numeric(p.base()), numeric(p.exp()));
        } else if (e instanceof Fn f) {
            double x = f.args().isEmpty() ? Double.NaN : numeric(f.args().get(0));
            return switch (f.name()) {
                case "Sqrt" -> Math.sqrt(x);
                case "Sin" -> Math.sin(x);
                case "Cos" -> Math.cos(x);
                case "Tan" -> Math.tan(x);
                case "Cot" -> 1 / Math.tan(x);
                case "Sec" -> 1 / Math.cos(x);
                case "Csc" -> 1 / Math.sin(x);
                case "ArcSin" -> Math.asin(x);
                case "ArcCos" -> Math.acos(x);
                case "ArcTan" -> Math.atan(x);
                case "Exp" -> Math.exp(x);
                case "Abs" -> Math.abs(x);
                case "Log" ->
                        f.args().size() == 2
                                ? Math.log(numeric(f.args().get(1))) / Math.log(x)
                                : Math.log(x);
                default -> Double.NaN;
            };
        }
        return Double.NaN;
    }

    /**
     * Whether Symja can be trusted with this expression: it evaluates {@code (10^100)!} to 1, so a
     * factorial or binomial of a constant must be a small known integer.
     */
    static boolean safeForSymja(Expr e) {
        return !any(
                e,
                x ->
                        x instanceof Fn f
                                && (f.name().equals("Factorial") || f.name().equals("Binomial"))
                                && f.args().stream().anyMatch(Expr::unsafeCount));
    }

    private static boolean unsafeCount(Expr arg) {
        if (hasVariables(arg)) {
            return false;
        }
        Rational r = rational(arg);
        return r == null
                || !r.isInteger()
                || r.num().abs().compareTo(BigInteger.valueOf(SymjaEngine.ITERATION_LIMIT)) > 0;
    }

    static boolean hasInexact(Expr e) {
        return any(e, x -> x instanceof Num n && n.inexact());
    }

    static boolean hasVariables(Expr e) {
        return any(e, x -> x instanceof Var);
    }

    private static boolean any(Expr e, java.util.function.Predicate<Expr> p) {
        if (p.test(e)) {
            return true;
        }
        return children(e).stream().anyMatch(c -> any(c, p));
    }

    private static List<Expr> children(Expr e) {
        if (e instanceof Add a) {
            return a.terms();
        } else if (e instanceof Mul m) {
            return m.factors();
        } else if (e instanceof Neg n) {
            return List.of(n.arg());
        } else if (e instanceof Div d) {
            return List.of(d.num(), d.den());
        } else if (e instanceof Pow p) {
            return List.of(p.base(), p.exp());
        } else if (e instanceof Fn f) {
            return f.args();
        }
        return List.of();
    }

    /** {@code e} with every variable named {@code name} replaced by {@code value}. */
    static Expr substitute(Expr e, String name, Expr value) {
        if (e instanceof Var v) {
            return v.name().equals(name) ? value : e;
        } else if (e instanceof Add a) {
            return new Add(a.terms().stream().map(t -> substitute(t, name, value)).toList());
        } else if (e instanceof Mul m) {
            return new Mul(m.factors().stream().map(t -> substitute(t, name, value)).toList());
        } else if (e instanceof Neg n) {
            return new Neg(substitute(n.arg(), name, value));
        } else if (e instanceof Div d) {
            return new Div(substitute(d.num(), name, value), substitute(d.den(), name, value));
        } else if (e instanceof Pow p) {
            return new Pow(substitute(p.base(), name, value), substitute(p.exp(), name, value));
        } else if (e instanceof Fn f) {
            return new Fn(
                    f.name(), f.args().stream().map(t -> substitute(t, name, value)).toList());
        }
        return e;
    }

    /** Number of nodes. */
    static long size(Expr e) {
        long n = 1;
        for (Expr c : children(e)) {
            n += size(c);
        }
        return n;
    }

    /** The names of the variables in {@code e}, sorted. */
    static java.util.SortedSet<String> variables(Expr e) {
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        collectVariables(e, names);
        return names;
    }

    private static void collectVariables(Expr e, java.util.Set<String> out) {
        if (e instanceof Var v) {
            out.add(v.name());
        }
        for (Expr c : children(e)) {
            collectVariables(c, out);
        }
    }

    /** Symja input syntax, fully parenthesised; decimals are written as exact fractions. */
    static String toSymja(Expr e) {
        if (e instanceof Num n) {
            return n.value().toSymja();
        } else if (e instanceof Var v) {
            return v.name();
        } else if (e instanceof Const c) {
            return c.symja();
        } else if (e instanceof Neg n) {
            return "(-" + toSymja(n.arg()) + ")";
        } else if (e instanceof Add a) {
            return a.terms().stream().map(Expr::toSymja).collect(Collectors.joining("+", "(", ")"));
        } else if (e instanceof Mul m) {
            return m.factors().stream()
                    .map(Expr::toSymja)
                    .collect(Collectors.joining("*", "(", ")"));
        } else if (e instanceof Div d) {
            return "(" + toSymja(d.num()) + "/" + toSymja(d.den()) + ")";
        } else if (e instanceof Pow p) {
            return "(" + toSymja(p.base()) + "^" + toSymja(p.exp()) + ")";
        } else if (e instanceof Fn f) {
            return f.name()
                    + f.args().stream()
                            .map(Expr::toSymja)
                            .collect(Collectors.joining(",", "(", ")"));
        }
        throw new IllegalStateException("Unknown expression " + e);
    }
}
