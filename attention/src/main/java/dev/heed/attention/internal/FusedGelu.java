package dev.heed.attention.internal;

import dev.heed.core.CustomOp;
import dev.heed.core.DType;
import dev.heed.core.Tensor;
import org.apiguardian.api.API;

/**
 * Exact GELU {@code x Φ(x)} as one fused op: Φ from the Abramowitz–Stegun 7.1.26 erf fit
 * (absolute error below 1.5e-7, under float32 resolution), one {@code exp} per element (in
 * float32 a polynomial one, {@link #expNonPositive}, since {@code Math.exp} is a slow call here); the
 * backward multiplies by the saved derivative {@code Φ(x) + x φ(x)} (first order in x).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FusedGelu {

    private static final double P = 0.3275911;
    private static final double A1 = 0.254829592;
    private static final double A2 = -0.284496736;
    private static final double A3 = 1.421413741;
    private static final double A4 = -1.453152027;
    private static final double A5 = 1.061405429;
    private static final double INV_SQRT2 = 1 / Math.sqrt(2);
    private static final float F1 = (float) A1;
    private static final float F2 = (float) A2;
    private static final float F3 = (float) A3;
    private static final float F4 = (float) A4;
    private static final float F5 = (float) A5;
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private FusedGelu() {}

    /**
     * @param x a float tensor
     * @return GELU(x), recorded for autograd when x requires grad
     */
    public static Tensor apply(Tensor x) {
        int[] shape = x.shape();
        int n = x.numel();
        Tensor out;
        Tensor deriv;
        if (x.dtype() == DType.FLOAT64) {
            double[] v = x.contiguous().toDoubleArray();
            double[] y = new double[n];
            double[] dy = new double[n];
            for (int i = 0; i < n; i++) {
                double xi = v[i];
                double z = Math.abs(xi) * INV_SQRT2;
                double t = 1 / (1 + P * z);
                double e = Math.exp(-z * z);
                double erf = 1 - ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t * e;
                double cdf = 0.5 * (1 + Math.copySign(erf, xi));
                y[i] = xi * cdf;
                dy[i] = cdf + xi * INV_SQRT_2PI * e;
            }
            out = Tensor.of(y, shape);
            deriv = Tensor.of(dy, shape);
        } else {
            float[] v = x.contiguous().toFloatArray();
            float[] e = new float[n];
            for (int i = 0; i < n; i++) {
                e[i] = expNonPositive(-0.5f * v[i] * v[i]);
            }
            float[] y = new float[n];
            float[] dy = new float[n];
            float c = (float) INV_SQRT2;
            float p = (float) P;
            float pdf = (float) INV_SQRT_2PI;
            for (int i = 0; i < n; i++) {
                float xi = v[i];
                float t = 1f / (1f + p * c * Math.abs(xi));
                float tail = ((((F5 * t + F4) * t + F3) * t + F2) * t + F1) * t * e[i];
                // cdf = Phi(x) = 1 - tail/2 for x >= 0, tail/2 for x < 0
                float cdf = xi >= 0 ? 1f - 0.5f * tail : 0.5f * tail;
                y[i] = xi * cdf;
                dy[i] = cdf + xi * pdf * e[i];
            }
            out = Tensor.of(y, shape);
            deriv = Tensor.of(dy, shape);
        }
        return CustomOp.record("gelu", out, g -> new Tensor[] {g.mul(deriv)}, x);
    }

    /**
     * {@code e^x} for {@code x ≤ 0} in float32 without a library call: {@code 2^(x log2 e)} split
     * into an integer power (exponent bits) and {@code 2^f}, {@code |f| ≤ 1/2}, by a degree-6
     * Taylor polynomial (relative error below 2e-7).
     */
    static float expNonPositive(float x) {
        if (x < -87f) {
            return 0f;
        }
        float t = x * 1.44269504f;
        float k = (float) Math.rint(t);
        float f = (t - k) * 0.693147181f;
        float p = 1f + f * (1f + f * (0.5f + f * (0.166666667f + f * (0.0416666667f + f * (0.00833333333f
                + f * 0.00138888889f)))));
        return Float.intBitsToFloat(((int) k + 127) << 23) * p;
    }
}
