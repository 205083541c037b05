package dev.ssb.worker.verify;

import dev.ssb.worker.verify.Expr.Add;
import dev.ssb.worker.verify.Expr.Const;
import dev.ssb.worker.verify.Expr.Div;
import dev.ssb.worker.verify.Expr.Fn;
import dev.ssb.worker.verify.Expr.Mul;
import dev.ssb.worker.verify.Expr.Neg;
import dev.ssb.worker.verify.Expr.Num;
import dev.ssb.worker.verify.Expr.Pow;
import dev.ssb.worker.verify.Expr.Var;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser of one normalised LaTeX leaf expression (no tuples or sets) into an
 * {@link Expr}. Implicit multiplication, {@code \frac12}, mixed numbers ({@code 1\frac45}), base
 * subscripts ({@code 52_8}), {@code \sqrt[n]{x}}, trig/log functions. Unknown commands fail: an
 * expression is parsed completely or not at all.
 */
final class LatexParser extends LatexCursor {

    /** Longer sums and products are not expanded (the answer does not parse). */
    static final int MAX_SERIES_TERMS = 500;

    /** Bound on the expanded size of a sum (nested sums multiply). */
    static final long MAX_SERIES_NODES = 5_000;

    /** The index letter of the sum being read (0 outside sums). */
    private char indexLetter;

    private LatexParser(String s) {
        super(s);
    }

    static Expr parse(String latex) throws ParseException {
        LatexParser p = new LatexParser(latex);
        Expr e = p.expr();
        p.skip();
        if (p.pos != p.s.length()) {
            throw new ParseException("Unexpected '" + p.s.charAt(p.pos) + "' at " + p.pos);
        }
        return e;
    }

    private Expr expr() throws ParseException {
        enter();
        List<Expr> terms = new ArrayList<>();
        skip();
        boolean negative = false;
        if (eat('+')) {
            negative = false;
        } else if (eat('-')) {
            negative = true;
        }
        Expr first = term();
        terms.add(negative ? new Neg(first) : first);
        while (true) {
            skip();
            if (eat('+')) {
                terms.add(term());
            } else if (eat('-')) {
                terms.add(new Neg(term()));
            } else {
                break;
            }
        }
        depth--;
        return terms.size() == 1 ? terms.get(0) : new Add(terms);
    }

    private Expr term() throws ParseException {
        List<Expr> factors = new ArrayList<>();
        boolean integerLiteral = startsWithDigit();
        factors.add(factor());
        integerLiteral &= factors.get(0) instanceof Num n && !n.inexact() && n.value().isInteger();
        while (true) {
            skip();
            if (eat('*') || eatCommand("cdot") || eatCommand("times")) {
                factors.add(factor());
            } else if (eat('/') || eatCommand("div")) {
                Expr den = factor();
                Expr num = factors.size() == 1 ? factors.get(0) : new Mul(factors);
                factors = new ArrayList<>(List.of(new Div(num, den)));
            } else if (startsPrimary()) {
                boolean fraction = s.startsWith("\\frac", pos);
                Expr next = power();
                if (integerLiteral && fraction && factors.size() == 1 && isSimpleFraction(next)) {
                    // a mixed number: 1\frac45 = 1 + 4/5
                    factors.set(0, new Add(List.of(factors.get(0), next)));
                } else {
                    factors.add(next);
                }
                integerLiteral = false;
            } else {
                break;
            }
        }
        return factors.size() == 1 ? factors.get(0) : new Mul(factors);
    }

    private static boolean isSimpleFraction(Expr e) {
        return e instanceof Div d
                && d.num() instanceof Num a
                && d.den() instanceof Num b
                && !a.inexact()
                && !b.inexact()
                && a.value().isInteger()
                && b.value().isInteger();
    }

    private Expr factor() throws ParseException {
        skip();
        if (eat('-')) {
            return new Neg(factor());
        }
        if (eat('+')) {
            return factor();
        }
        return power();
    }

    private Expr power() throws ParseException {
        Expr base = postfix();
        skip();
        if (eat('^')) {
            return new Pow(base, exponent());
        }
        return base;
    }

    private Expr exponent() throws ParseException {
        skip();
        if (peek() == '{') {
            return group();
        }
        if (eat('-')) {
            return new Neg(exponent());
        }
        return power();
    }

    private Expr postfix() throws ParseException {
        Expr e = primary();
        while (true) {
            skip();
            if (peek() == '!' && peekAt(pos + 1) != '=') {
                pos++;
                e = new Fn("Factorial", List.of(e));
            } else {
                return e;
            }
        }
    }

    private Expr primary() throws ParseException {
        enter();
        try {
            skip();
            char c = peek();
            if (Character.isDigit(c) || c == '.' && Character.isDigit(peekAt(pos + 1))) {
                return number();
            }
            if (isAsciiLetter(c)) {
                pos++;
                return letter(c);
            }
            if (c == '(' || c == '[' || c == '{') {
                pos++;
                Expr e = expr();
                skip();
                char close = c == '(' ? ')' : c == '[' ? ']' : '}';
                expect(close);
                return e;
            }
            if (c == '|') {
                pos++;
                Expr e = expr();
                skip();
                expect('|');
                return new Fn("Abs", List.of(e));
            }
            if (c == '\\') {
                return command();
            }
            throw new ParseException(
                    c == 0 ? "Unexpected end" : "Unexpected '" + c + "' at " + pos);
        } finally {
            depth--;
        }
    }

    private Expr number() throws ParseException {
        int start = pos;
        while (Character.isDigit(peek())) {
            pos++;
        }
        boolean inexact = false;
        if (peek() == '.' && Character.isDigit(peekAt(pos + 1))) {
            inexact = true;
            pos++;
            while (Character.isDigit(peek())) {
                pos++;
            }
        }
        if ((peek() == 'e' || peek() == 'E') && isExponent(pos + 1)) {
            // 1.5e-3 (plain-text scientific notation, not Euler's number)
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            while (Character.isDigit(peek())) {
                pos++;
            }
            try {
                return new Num(Rational.of(new BigDecimal(s.substring(start, pos))), true);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new ParseException("Invalid number " + s.substring(start, pos));
            }
        }
        String digits = s.substring(start, pos);
        if (!inexact && peek() == '_') {
            pos++;
            String base = subscript();
            try {
                int radix = Integer.parseInt(base);
                if (radix < 2 || radix > 36) {
                    throw new ParseException("Invalid base " + base);
                }
                return new Num(new Rational(new BigInteger(digits, radix), BigInteger.ONE), false);
            } catch (NumberFormatException e) {
                throw new ParseException("Invalid number " + digits + "_" + base);
            }
        }
        return new Num(Rational.of(new BigDecimal(digits)), inexact);
    }

    private boolean isExponent(int i) {
        char c = peekAt(i);
        if (c == '+' || c == '-') {
            c = peekAt(i + 1);
        }
        return Character.isDigit(c) && !isAsciiLetter(peekAt(afterDigits(i)));
    }

    private int afterDigits(int i) {
        int j = i;
        if (peekAt(j) == '+' || peekAt(j) == '-') {
            j++;
        }
        while (Character.isDigit(peekAt(j))) {
            j++;
        }
        return j;
    }

    private String subscript() throws ParseException {
        skip();
        if (peek() == '{') {
            int close = Braces.matching(s, pos);
            if (close < 0) {
                throw new ParseException("Unbalanced subscript");
            }
            String sub = s.substring(pos + 1, close).replace(" ", "");
            pos = close + 1;
            return sub;
        }
        char c = peek();
        if (Character.isLetterOrDigit(c)) {
            pos++;
            return String.valueOf(c);
        }
        throw new ParseException("Invalid subscript at " + pos);
    }

    private Expr letter(char c) throws ParseException {
        if (peek() == '_') {
            pos++;
            String sub = subscript();
            if (!sub.chars().allMatch(Character::isLetterOrDigit)) {
                throw new ParseException("Invalid subscript " + sub);
            }
            return new Var(varName(String.valueOf(c)) + "s" + sub.toLowerCase());
        }
        if (c == indexLetter) {
            return new Var(varName(String.valueOf(c)));
        }
        return switch (c) {
            case 'e' -> new Const("E");
            case 'i' -> new Const("I");
            default -> new Var(varName(String.valueOf(c)));
        };
    }

    /** Symja identifiers are case-insensitive in relaxed mode and clash with builtins (E, I, N). */
    private static String varName(String name) {
        if (name.length() == 1) {
            char c = name.charAt(0);
            return Character.isUpperCase(c) ? "vu" + Character.toLowerCase(c) : "v" + c;
        }
        return "g" + (Character.isUpperCase(name.charAt(0)) ? "u" : "") + name.toLowerCase();
    }

    private Expr command() throws ParseException {
        pos++; // backslash
        int start = pos;
        while (isAsciiLetter(peek())) {
            pos++;
        }
        String name = s.substring(start, pos);
        if (name.isEmpty()) {
            throw new ParseException("Unknown command at " + start);
        }
        switch (name) {
            case "frac":
                {
                    Expr num = argument();
                    Expr den = argument();
                    return new Div(num, den);
                }
            case "sqrt":
                {
                    skip();
                    if (eat('[')) {
                        Expr index = expr();
                        skip();
                        expect(']');
                        return new Pow(argument(), new Div(new Num(Rational.ONE, false), index));
                    }
                    return new Fn("Sqrt", List.of(argument()));
                }
            case "binom":
                return new Fn("Binomial", List.of(argument(), argument()));
            case "pi":
                return new Const("Pi");
            case "infty":
                return new Const("Infinity");
            case "sum":
            case "prod":
                return series(name.equals("sum"));
            default:
                break;
        }
        if (GREEK.contains(name)) {
            return new Var(varName(name));
        }
        String fn = FUNCTIONS.get(name);
        if (fn != null) {
            return function(name, fn);
        }
        throw new ParseException("Unknown command \\" + name);
    }

    /**
     * {@code \\sum_{k=1}^{10} k^2} (or {@code \\prod}) with integer bounds, expanded into its at
     * most {@value #MAX_SERIES_TERMS} terms; the summand is one term ({@code \\sum_k k + 1} adds 1
     * once).
     */
    private Expr series(boolean sum) throws ParseException {
        skip();
        eatCommand("limits");
        skip();
        expect('_');
        skip();
        expect('{');
        skip();
        char c = peek();
        if (!isAsciiLetter(c)) {
            throw new ParseException("Invalid index of a sum at " + pos);
        }
        pos++;
        Expr index = new Var(varName(String.valueOf(c)));
        skip();
        expect('=');
        Expr from = expr();
        skip();
        expect('}');
        skip();
        expect('^');
        Expr to = exponent();
        char outer = indexLetter;
        indexLetter = c; // i and e are the index here, not constants
        Expr body;
        try {
            body = term();
        } finally {
            indexLetter = outer;
        }
        Rational a = Expr.rational(from);
        Rational b = Expr.rational(to);
        if (!(index instanceof Var v)
                || a == null
                || b == null
                || !a.isInteger()
                || !b.isInteger()) {
            throw new ParseException("Cannot expand a sum or product without integer bounds");
        }
        BigInteger count = b.num().subtract(a.num()).add(BigInteger.ONE);
        if (count.compareTo(BigInteger.valueOf(MAX_SERIES_TERMS)) > 0
                || count.longValue() * Expr.size(body) > MAX_SERIES_NODES) {
            throw new ParseException("Cannot expand a sum or product of " + count + " terms");
        }
        List<Expr> terms = new ArrayList<>();
        for (long k = a.num().longValueExact(); k <= b.num().longValueExact(); k++) {
            terms.add(Expr.substitute(body, v.name(), new Num(Rational.of(k), false)));
        }
        if (terms.isEmpty()) {
            return new Num(sum ? Rational.ZERO : Rational.ONE, false);
        }
        return terms.size() == 1 ? terms.get(0) : sum ? new Add(terms) : new Mul(terms);
    }

    private Expr function(String latex, String symja) throws ParseException {
        Expr base = null;
        skip();
        if (latex.equals("log") && eat('_')) {
            skip();
            base = peek() == '{' ? group() : primaryToken();
        }
        Expr power = null;
        skip();
        if (eat('^')) {
            power = exponent();
        }
        skip();
        Expr arg;
        if (peek() == '(') {
            arg = primary();
        } else {
            List<Expr> factors = new ArrayList<>();
            factors.add(power());
            while (startsPrimary() && peek() != '\\' && peek() != '(') {
                factors.add(power());
            }
            arg = factors.size() == 1 ? factors.get(0) : new Mul(factors);
        }
        Expr f = base == null ? new Fn(symja, List.of(arg)) : new Fn("Log", List.of(base, arg));
        return power == null ? f : new Pow(f, power);
    }

    /** A command argument: {@code {..}}, one digit ({@code \frac12}), one letter or a command. */
    private Expr argument() throws ParseException {
        skip();
        if (peek() == '{') {
            return group();
        }
        return primaryToken();
    }

    private Expr primaryToken() throws ParseException {
        char c = peek();
        if (Character.isDigit(c)) {
            pos++;
            return new Num(Rational.of(c - '0'), false);
        }
        if (isAsciiLetter(c)) {
            pos++;
            return letter(c);
        }
        if (c == '\\') {
            return command();
        }
        throw new ParseException("Missing argument at " + pos);
    }

    private Expr group() throws ParseException {
        expect('{');
        Expr e = expr();
        skip();
        expect('}');
        return e;
    }
}
