package dev.heed.core.internal.kernel;

import org.apiguardian.api.API;

/**
 * Reproducible exp, log, tanh and sigmoid in float32 and float64, written only with operations
 * IEEE 754 defines exactly: add, subtract, multiply, divide, fused multiply-add
 * ({@link Math#fma}), comparisons, and bit operations on the representation. The same sequence of
 * operations is written with the Vector API in the vector backend ({@code VMath}), so the scalar
 * and vector versions, interpreted or compiled, give the same bits on every Java platform.
 *
 * <p>Algorithms (float64): exp reduces {@code x = k ln2 + r} (Cody–Waite, two-part ln2,
 * {@code |r| <= ln2/2}), evaluates {@code e^r - 1} with its Taylor polynomial to degree 13 and
 * multiplies by {@code 2^k} built in the exponent bits (in two halves, so results near overflow
 * and in the subnormal range round once). log splits {@code x = 2^e m} with {@code m} in
 * {@code [sqrt(1/2), sqrt(2))} (subnormals scaled first) and evaluates {@code log(m)} in
 * {@code s = (m-1)/(m+1)} with fdlibm's minimax coefficients. tanh uses a rational function for
 * {@code |x| < 0.625} and {@code 1 - 2/(e^{2|x|} + 1)} beyond. sigmoid is {@code 1/(1+e^{-x})}
 * for {@code x >= 0} and {@code e^x/(1+e^x)} below, so it never overflows.
 *
 * <p>float32: the argument is widened and everything is evaluated in float64, then rounded once
 * (exp with a degree-9 polynomial and one-part ln2, enough for about 2^-36; tanh as
 * {@code q / (q + 2)} with {@code q = e^{2|x|} - 1} assembled as {@code 2^k (e^r - 1) + (2^k - 1)},
 * which has no cancellation for small |x|; log through the float64 log).
 *
 * Special values follow {@link Math}: NaN in gives NaN, exp overflows to +inf and underflows to
 * 0, {@code log(±0) = -inf}, {@code log(x < 0) = NaN}, {@code log(+inf) = +inf}.
 *
 * <p>Accuracy (checked in the tests against {@link Math} in float64): float32 within 1 ulp of the
 * exact result (0.501 ulp measured), float64 within 2 ulps of {@link Math} (exp and log 1 ulp).
 * Stateless and thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class DetMath {

    private DetMath() {}

    // ---- float64 constants ------------------------------------------------------------------

    /** Inputs are clamped to [EXP_MIN, EXP_MAX]: the results there are already 0 and +inf. */
    public static final double EXP_MAX = 710;
    /** See {@link #EXP_MAX}. */
    public static final double EXP_MIN = -746;
    /** 1.5 * 2^52. */
    public static final double SHIFT_D = 0x1.8p52;
    /** The bits of {@link #SHIFT_D}. */
    public static final long SHIFT_D_BITS = 0x4338000000000000L;
    /** log2(e). */
    public static final double LOG2E = 1.4426950408889634;
    /** ln2 to 32 bits, so k ln2_hi is exact for |k| < 2^21. */
    public static final double LN2_HI = 6.93147180369123816490e-01;
    /** ln2 - LN2_HI. */
    public static final double LN2_LO = 1.90821492927058770002e-10;
    /** ln2 rounded to double (enough for the float32 paths: k is at most 151 there). */
    public static final double LN2 = 0.6931471805599453;
    /** The bits of 1.0. */
    public static final long ONE_BITS = 0x3ff0000000000000L;
    /** The sign bit of a double. */
    public static final long SIGN = 0x8000000000000000L;
    /** float32 exp inputs are clamped to [EXPF_MIN, EXPF_MAX]: the results there round to 0 and +inf. */
    public static final double EXPF_MAX = 89;
    /** See {@link #EXPF_MAX}. */
    public static final double EXPF_MIN = -104;
    /** float32 tanh clamps |x| here (see {@link #TANH_SAT}). */
    public static final double TANH_SAT_F = 350;
    /** 1/n!: e^r - 1 - r = r^2 (C2 + C3 r + C4 r^2 + ...). */
    public static final double C2 = 1.0 / 2;
    /** See {@link #C2}. */
    public static final double C3 = 1.0 / 6;
    /** See {@link #C2}. */
    public static final double C4 = 1.0 / 24;
    /** See {@link #C2}. */
    public static final double C5 = 1.0 / 120;
    /** See {@link #C2}. */
    public static final double C6 = 1.0 / 720;
    /** See {@link #C2}. */
    public static final double C7 = 1.0 / 5040;
    /** See {@link #C2}. */
    public static final double C8 = 1.0 / 40320;
    /** See {@link #C2}. */
    public static final double C9 = 1.0 / 362880;
    /** See {@link #C2}. */
    public static final double C10 = 1.0 / 3628800;
    /** See {@link #C2}. */
    public static final double C11 = 1.0 / 39916800;
    /** See {@link #C2}. */
    public static final double C12 = 1.0 / 479001600;
    /** See {@link #C2}. */
    public static final double C13 = 1.0 / 6227020800L;

    /** The mantissa bits of a double. */
    public static final long MANT = 0xfffffffffffffL;
    /** Bits of sqrt(1/2) in float64. */
    public static final long SQRTH_BITS = 0x3fe6a09e667f3bcdL;
    /** Coefficients of R(z), z = s^2, in log(1+f) = f - f^2/2 + s (f^2/2 + R). */
    public static final double LG1 = 6.666666666666735130e-01;
    /** See {@link #LG1}. */
    public static final double LG2 = 3.999999999940941908e-01;
    /** See {@link #LG1}. */
    public static final double LG3 = 2.857142874366239149e-01;
    /** See {@link #LG1}. */
    public static final double LG4 = 2.222219843214978396e-01;
    /** See {@link #LG1}. */
    public static final double LG5 = 1.818357216161805012e-01;
    /** See {@link #LG1}. */
    public static final double LG6 = 1.531383769920937332e-01;
    /** See {@link #LG1}. */
    public static final double LG7 = 1.479819860511658591e-01;

    /** Below this |x| tanh uses its rational function. */
    public static final double TANH_SMALL = 0.625;
    /**
     * tanh clamps |x| here to keep e^{2|x|} finite; from |x| = 20 on the result is already exactly ±1
     * in float64 (and from 9.1 on in float32), so the clamp never changes a value.
     */
    public static final double TANH_SAT = 350;
    /** Numerator P(z) of (tanh(x) - x) / x^3 = P(z)/Q(z), z = x^2 (highest first). */
    public static final double TN2 = -9.64399179425052238628e-1;
    /** See {@link #TN2}. */
    public static final double TN1 = -9.92877231001918586564e1;
    /** See {@link #TN2}. */
    public static final double TN0 = -1.61468768441708447952e3;
    /** Denominator Q(z) = z^3 + TD2 z^2 + TD1 z + TD0. */
    public static final double TD2 = 1.12811678491632931402e2;
    /** See {@link #TD2}. */
    public static final double TD1 = 2.23548839060100448583e3;
    /** See {@link #TD2}. */
    public static final double TD0 = 4.84406305325125486048e3;

    // ---- float32: evaluated in float64, rounded once ------------------------------------------

    /**
     * @param x any float
     * @return e^x, correctly rounded but for rare halfway cases (within 1 ulp); +inf above about
     *     88.72, 0 below about -103.97, NaN for NaN
     */
    public static float exp(float x) {
        return (float) expForFloat(x);
    }

    /**
     * @param x any float
     * @return the natural logarithm (within 1 ulp); -inf for ±0, NaN below 0 or for NaN, +inf for +inf
     */
    public static float log(float x) {
        return (float) log((double) x);
    }

    /**
     * @param x any float
     * @return the hyperbolic tangent (within 1 ulp); ±1 for large |x|, NaN for NaN, -0 for -0
     */
    public static float tanh(float x) {
        return (float) tanhForFloat(x);
    }

    /**
     * @param x any float
     * @return the logistic function 1 / (1 + e^-x) (within 1 ulp); 0 and 1 at -inf and +inf
     */
    public static float sigmoid(float x) {
        double e = expForFloat(-Math.abs((double) x));
        return (float) (numerator(x, e) / (1.0 + e));
    }

    /**
     * e^x to about 2^-36 relative for a float32 argument (a shorter polynomial than
     * {@link #exp(double)}); +inf and 0 come from rounding to float32.
     *
     * @param x a float32 value widened to double
     * @return e^x in float64, to be rounded to float32
     */
    public static double expForFloat(double x) {
        // The clamp changes nothing for |x| <= 88, so evaluate first and clamp only when needed
        // (same bits, and C2 compiles this form several times faster than an unconditional clamp).
        double y = expForFloatCore(x);
        return Math.abs(x) <= 88.0 ? y : expForFloatCore(Math.max(Math.min(x, EXPF_MAX), EXPF_MIN));
    }

    private static double expForFloatCore(double xc) {
        double t = Math.fma(xc, LOG2E, SHIFT_D);
        double kf = t - SHIFT_D;
        long k = Double.doubleToRawLongBits(t) - SHIFT_D_BITS;
        double r = Math.fma(kf, -LN2, xc);
        double p = Math.fma(r, C9, C8);
        p = Math.fma(p, r, C7);
        p = Math.fma(p, r, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        double q = Math.fma(p, r * r, r);
        return (q + 1.0) * Double.longBitsToDouble((k + 1023) << 52);
    }

    /**
     * tanh(x) to about 2^-35 relative for a float32 argument, as {@code q / (q + 2)} with
     * {@code q = e^{2|x|} - 1} computed without cancellation, and the sign of x.
     *
     * @param x a float32 value widened to double
     * @return tanh(x) in float64, to be rounded to float32
     */
    public static double tanhForFloat(double x) {
        double ax = Math.abs(x);
        double th = tanhForFloatCore(2.0 * ax);
        if (!(ax <= TANH_SAT_F)) {
            th = tanhForFloatCore(2.0 * Math.min(ax, TANH_SAT_F));
        }
        return Double.longBitsToDouble(Double.doubleToRawLongBits(th) | (Double.doubleToRawLongBits(x) & SIGN));
    }

    /** @return tanh(a2 / 2) for {@code 0 <= a2 <= 700}, as {@code q / (q + 2)} with {@code q = e^{a2} - 1} */
    private static double tanhForFloatCore(double a2) {
        double t = Math.fma(a2, LOG2E, SHIFT_D);
        double kf = t - SHIFT_D;
        long k = Double.doubleToRawLongBits(t) - SHIFT_D_BITS;
        double r = Math.fma(kf, -LN2, a2);
        double p = Math.fma(r, C9, C8);
        p = Math.fma(p, r, C7);
        p = Math.fma(p, r, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        double qr = Math.fma(p, r * r, r);
        double s = Double.longBitsToDouble((k + 1023) << 52);
        double q = Math.fma(s, qr, s - 1.0);
        return q / (q + 2.0);
    }

    // ---- float64 ------------------------------------------------------------------------------

    /**
     * @param x any double
     * @return e^x within 1 ulp of {@link Math#exp}; +inf above about 709.78, 0 below about -745.13, NaN for NaN
     */
    public static double exp(double x) {
        double y = expCore(x);
        return Math.abs(x) <= 700.0 ? y : expCore(Math.max(Math.min(x, EXP_MAX), EXP_MIN));
    }

    private static double expCore(double xc) {
        double t = Math.fma(xc, LOG2E, SHIFT_D);
        double kf = t - SHIFT_D;
        long k = Double.doubleToRawLongBits(t) - SHIFT_D_BITS;
        double r = Math.fma(kf, -LN2_HI, xc);
        r = Math.fma(kf, -LN2_LO, r);
        double p = Math.fma(r, C13, C12);
        p = Math.fma(p, r, C11);
        p = Math.fma(p, r, C10);
        p = Math.fma(p, r, C9);
        p = Math.fma(p, r, C8);
        p = Math.fma(p, r, C7);
        p = Math.fma(p, r, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        double y = Math.fma(p, r * r, r) + 1.0;
        long k1 = k >> 1;
        long k2 = k - k1;
        return y * Double.longBitsToDouble((k1 + 1023) << 52) * Double.longBitsToDouble((k2 + 1023) << 52);
    }

    /**
     * @param x any double
     * @return the natural logarithm within 1 ulp of {@link Math#log}; -inf for ±0, NaN below 0 or for NaN, +inf for +inf
     */
    public static double log(double x) {
        boolean sub = x < Double.MIN_NORMAL;
        double xs = sub ? x * 0x1p52 : x;
        long ix = Double.doubleToRawLongBits(xs) - SQRTH_BITS;
        double ef = Double.longBitsToDouble((ix >> 52) + SHIFT_D_BITS) - SHIFT_D - (sub ? 52.0 : 0.0);
        double f = Double.longBitsToDouble((ix & MANT) + SQRTH_BITS) - 1.0;
        double s = f / (2.0 + f);
        double z = s * s;
        double w = z * z;
        double t1 = w * Math.fma(w, Math.fma(w, LG6, LG4), LG2);
        double t2 = z * Math.fma(w, Math.fma(w, Math.fma(w, LG7, LG5), LG3), LG1);
        double rr = t2 + t1;
        double hfsq = 0.5 * f * f;
        double res = Math.fma(ef, LN2_HI, -((hfsq - Math.fma(s, hfsq + rr, ef * LN2_LO)) - f));
        if (x == Double.POSITIVE_INFINITY) {
            res = Double.POSITIVE_INFINITY;
        }
        if (x == 0.0) {
            res = Double.NEGATIVE_INFINITY;
        }
        if (x < 0.0 || x != x) {
            res = Double.NaN;
        }
        return res;
    }

    /**
     * @param x any double
     * @return the hyperbolic tangent within 2 ulps of {@link Math#tanh}; ±1 for large |x|, NaN for NaN, -0 for -0
     */
    public static double tanh(double x) {
        double ax = Math.abs(x);
        double t;
        if (ax < TANH_SMALL) {
            double z = ax * ax;
            double num = Math.fma(Math.fma(z, TN2, TN1), z, TN0);
            double den = Math.fma(Math.fma(z + TD2, z, TD1), z, TD0);
            t = Math.fma(ax * z, num / den, ax);
        } else {
            double e = exp(2.0 * (ax > TANH_SAT ? TANH_SAT : ax));   // NaN stays NaN
            t = 1.0 - 2.0 / (e + 1.0);
        }
        return Double.longBitsToDouble(Double.doubleToRawLongBits(t) | (Double.doubleToRawLongBits(x) & SIGN));
    }

    /**
     * @param x any double
     * @return the logistic function 1 / (1 + e^-x) within 2 ulps of its {@link Math#exp} form; 0 and 1 at -inf and +inf
     */
    public static double sigmoid(double x) {
        double e = exp(-Math.abs(x));
        return numerator(x, e) / (1.0 + e);
    }

    /**
     * @return {@code x >= 0 ? 1 : e}, chosen with the sign bit of x and no branch (random signs
     *     would make a branch mispredict); -0 picks e, which is then 1, and NaN gives NaN either way
     */
    private static double numerator(double x, double e) {
        long neg = Double.doubleToRawLongBits(x) >> 63;
        return Double.longBitsToDouble((Double.doubleToRawLongBits(e) & neg) | (ONE_BITS & ~neg));
    }
}
