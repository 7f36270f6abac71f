package dev.heed.core.internal.kernel;

import org.apiguardian.api.API;

/**
 * Float32 GELU {@code y = x Φ(x)} and its derivative {@code Φ(x) + x φ(x)}, in one pass and with
 * no library call, for the kernels' fast path.
 *
 * <p>Φ comes from the Chebyshev fit of erfc in Numerical Recipes (§6.2, "erfcc"):
 * {@code erfc(z) ≈ t exp(−z² − 1.26551223 + t P(t))}, {@code t = 1 / (1 + z/2)}, whose relative
 * error is below 1.2e-7 for every {@code z ≥ 0}; with {@code z = |x|/√2},
 * {@code Φ(x) = erfc(z)/2} for {@code x < 0} and {@code 1 − erfc(z)/2} otherwise, so Φ keeps
 * float32's relative accuracy far into the negative tail. φ is a second exponential,
 * {@code exp(−x²/2)/√(2π)}. The exponential is a Cody–Waite reduction to {@code 2^k e^f},
 * {@code |f| ≤ ln2/2}, with a degree-6 polynomial for {@code e^f} (relative error about 1.5e-7).
 *
 * <p>Every step is an IEEE-exact operation (add, multiply, fused multiply-add, divide, compare,
 * integer bit operations), never a platform math routine, and the vector kernel performs the same
 * operations in the same order: so the scalar and vector kernels, interpreted or compiled, give
 * the same bits.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class GeluF32 {

    /** 1 / √2. */
    public static final float INV_SQRT2 = 0.707106781f;
    /** The constant term of the erfcc exponent. */
    public static final float C0 = -1.26551223f;
    /** The erfcc polynomial P(t), coefficients of t⁰ … t⁸. */
    public static final float C1 = 1.00002368f;
    public static final float C2 = 0.37409196f;
    public static final float C3 = 0.09678418f;
    public static final float C4 = -0.18628806f;
    public static final float C5 = 0.27886807f;
    public static final float C6 = -1.13520398f;
    public static final float C7 = 1.48851587f;
    public static final float C8 = -0.82215223f;
    public static final float C9 = 0.17087277f;
    /** 1 / √(2π), the normal density at 0. */
    public static final float PDF0 = 0.398942280f;

    /** Below this argument {@code exp} is flushed to 0 (the exponent 2^k would leave the normal range). */
    public static final float EXP_MIN = -87f;
    public static final float LOG2E = 1.44269504f;
    /** Adding and subtracting 1.5 · 2²³ rounds a float of magnitude below 2²² to the nearest integer. */
    public static final float ROUND_MAGIC = 12582912f;
    /** ln 2 split so that {@code k · LN2_HI} is exact for |k| ≤ 2⁸. */
    public static final float LN2_HI = 0.693145752f;
    public static final float LN2_LO = 1.42860677e-6f;
    /** Taylor coefficients 1/n! of e^f, n = 2..6 (the n = 0, 1 terms are 1). */
    public static final float E2 = 0.5f;
    public static final float E3 = 0.166666672f;
    public static final float E4 = 0.0416666679f;
    public static final float E5 = 0.00833333377f;
    public static final float E6 = 0.00138888892f;

    private GeluF32() {}

    /**
     * {@code e^(a + b + c)} with the sum never rounded as a whole: {@code a} may be large (it is
     * reduced by {@code k ln 2} exactly), {@code b} is of order 1 and {@code c} a small correction.
     * Rounding {@code a + b} first would cost up to {@code ulp(a)/2} of relative error, 4e-6 at
     * {@code a ≈ −80}. Flushes to 0 when {@code a + b < EXP_MIN} (NaN stays NaN); requires {@code a + b ≤ 1}. For a
     * plain {@code e^x} use {@link DetMath#exp(float)}; this split form exists for GELU's {@code −x²/2}.
     */
    public static float expOfSum(float a, float b, float c) {
        float s = a + b;
        float shifted = s * LOG2E + ROUND_MAGIC;
        float kf = shifted - ROUND_MAGIC;
        float f = Math.fma(kf, -LN2_HI, a);
        f = f + b;
        f = f + c;
        f = Math.fma(kf, -LN2_LO, f);
        float p = Math.fma(f, E6, E5);
        p = Math.fma(p, f, E4);
        p = Math.fma(p, f, E3);
        p = Math.fma(p, f, E2);
        p = Math.fma(p, f, 1f);
        p = Math.fma(p, f, 1f);
        // shifted = 1.5·2²³ + k has k in its low mantissa bits; the shift drops the rest
        float e = p * Float.intBitsToFloat((Float.floatToRawIntBits(shifted) + 127) << 23);
        return s < EXP_MIN ? 0f : e;
    }

    /**
     * GELU over {@code n} contiguous elements; {@code dy} may be null when the derivative is not
     * wanted. {@code y} may alias {@code x}; {@code dy} must not. {@code x = −∞} gives NaN, as {@code x Φ(x)} does in
     * PyTorch; {@code +∞} gives {@code +∞} with derivative 1.
     */
    public static void forward(float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff, int n) {
        for (int i = 0; i < n; i++) {
            float xi = x[xOff + i];
            float z = Math.abs(xi) * INV_SQRT2;
            float t = 1f / Math.fma(z, 0.5f, 1f);
            float p = Math.fma(C9, t, C8);
            p = Math.fma(p, t, C7);
            p = Math.fma(p, t, C6);
            p = Math.fma(p, t, C5);
            p = Math.fma(p, t, C4);
            p = Math.fma(p, t, C3);
            p = Math.fma(p, t, C2);
            p = Math.fma(p, t, C1);
            // -x²/2 as the exact sum sq + sqLo of two floats, kept apart through the reduction
            float sq = (xi * xi) * -0.5f;
            float sqLo = Math.fma(xi, xi, (xi * xi) * -1f) * -0.5f;
            float half = (t * expOfSum(sq, Math.fma(p, t, C0), sqLo)) * 0.5f;
            float cdf = xi >= 0f ? 1f - half : half;
            if (dy != null) {
                float e = expOfSum(sq, 0f, sqLo);
                // e == 0 means |x| is large: the density term vanishes (and x · 0 would be NaN at ±inf)
                dy[dyOff + i] = e == 0f ? cdf : Math.fma(xi * PDF0, e, cdf);
            }
            y[yOff + i] = xi * cdf;
        }
    }
}
