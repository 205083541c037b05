package dev.ssb.worker.verify;

import java.math.BigDecimal;
import java.math.BigInteger;

/** An exact fraction in lowest terms with a positive denominator. */
record Rational(BigInteger num, BigInteger den) {

    static final Rational ZERO = new Rational(BigInteger.ZERO, BigInteger.ONE);
    static final Rational ONE = new Rational(BigInteger.ONE, BigInteger.ONE);

    /**
     * Results bigger than this are left to the algebra engine (it has its own bound and the check's
     * deadline); ~15,000 decimal digits, far beyond any exact answer.
     */
    static final int MAX_BITS = 50_000;

    Rational {
        if (den.signum() == 0) {
            throw new ArithmeticException("zero denominator");
        }
        if (den.signum() < 0) {
            num = num.negate();
            den = den.negate();
        }
        BigInteger g = num.gcd(den);
        if (!g.equals(BigInteger.ONE) && g.signum() != 0) {
            num = num.divide(g);
            den = den.divide(g);
        }
        if (num.signum() == 0) {
            den = BigInteger.ONE;
        }
    }

    static Rational of(long n) {
        return new Rational(BigInteger.valueOf(n), BigInteger.ONE);
    }

    static Rational of(BigDecimal d) {
        return d.scale() <= 0
                ? new Rational(d.toBigIntegerExact(), BigInteger.ONE)
                : new Rational(d.unscaledValue(), BigInteger.TEN.pow(d.scale()));
    }

    /** Whether this is too big to compute with here ({@link Expr#rational} then gives up). */
    boolean isHuge() {
        return bits() > MAX_BITS;
    }

    /** Size of numerator plus denominator in bits. */
    long bits() {
        return (long) num.bitLength() + den.bitLength();
    }

    boolean isInteger() {
        return den.equals(BigInteger.ONE);
    }

    Rational add(Rational o) {
        return new Rational(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
    }

    Rational negate() {
        return new Rational(num.negate(), den);
    }

    Rational multiply(Rational o) {
        return new Rational(num.multiply(o.num), den.multiply(o.den));
    }

    /** Null when dividing by zero. */
    Rational divide(Rational o) {
        return o.num.signum() == 0 ? null : new Rational(num.multiply(o.den), den.multiply(o.num));
    }

    /** Null when the exponent is not an integer, 0^negative, or the result would be huge. */
    Rational pow(Rational e) {
        if (!e.isInteger() || e.num.bitLength() > 31) {
            return null;
        }
        int n = e.num.intValue();
        long bits = (long) Math.max(num.bitLength(), den.bitLength()) * Math.abs((long) n);
        if (bits > MAX_BITS) {
            return null;
        }
        Rational r = new Rational(num.pow(Math.abs(n)), den.pow(Math.abs(n)));
        return n >= 0 ? r : ONE.divide(r);
    }

    double toDouble() {
        return new BigDecimal(num)
                .divide(new BigDecimal(den), java.math.MathContext.DECIMAL64)
                .doubleValue();
    }

    /** Symja input syntax. */
    String toSymja() {
        return isInteger() ? "(" + num + ")" : "(" + num + "/" + den + ")";
    }
}
