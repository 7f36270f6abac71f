package dev.heed.core.nn;

import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.internal.TensorInternals;
import java.util.Arrays;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Stateless, differentiable building blocks behind the layers (like {@code torch.nn.functional}).
 * All are compositions of {@link Tensor} ops, so autograd (including higher order) works through
 * them. Thread-safe (no shared state).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Functional {

    private static final double SQRT1_2 = Math.sqrt(0.5);
    // Chebyshev fit of erfc (Numerical Recipes "erfcc"): erfc(z) = t exp(-z^2 + poly(t)),
    // t = 1 / (1 + z / 2), z >= 0, with fractional error below 1.2e-7 everywhere.
    private static final double[] ERFC = {-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
        0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277};

    private Functional() {}

    /**
     * {@code x W^T + b} with {@code W} of shape [out, in] and optional {@code b} of shape [out].
     *
     * @param x input [..., in]
     * @param weight [out, in]
     * @param bias [out] or null
     * @return [..., out]
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        int[] xs = x.shape();
        int[] ws = weight.shape();
        if (ws.length != 2 || xs.length == 0 || xs[xs.length - 1] != ws[1]) {
            throw new IllegalArgumentException("linear: input of shape " + Arrays.toString(xs)
                    + " does not fit a weight of shape " + Arrays.toString(ws) + " (expected input [..., "
                    + (ws.length == 2 ? ws[1] : "?") + "]); check the layer's in_features");
        }
        Tensor y = x.matmul(weight.mT());
        return bias == null ? y : y.add(bias);
    }

    /**
     * Exact GELU, {@code x * Phi(x)} with Phi the standard normal CDF (PyTorch's default
     * {@code approximate='none'}). The normal tail {@code Q(|x|) = erfc(|x| / sqrt 2) / 2} is
     * evaluated with a Chebyshev fit of erfc whose relative error is below 1.2e-7 everywhere
     * (about FLOAT32 resolution, also far into the negative tail), written with tensor ops so it
     * is differentiable to any order.
     *
     * @param x a float tensor
     * @return GELU(x)
     */
    public static Tensor gelu(Tensor x) {
        // Phi(x) = m + s * c, where c = Q(|x|) = erfc(z) / 2 with z = |x| / sqrt 2 is the upper
        // tail, m = 1 and s = -1 for x >= 0, m = 0 and s = +1 for x < 0 (piecewise constants).
        Tensor[] ms = signMasks(x);
        Tensor z = x.abs().mul(SQRT1_2);
        Tensor t = z.mul(0.5).add(1.0).pow(-1.0);
        Tensor poly = t.mul(ERFC[ERFC.length - 1]);
        for (int i = ERFC.length - 2; i >= 1; i--) {
            poly = poly.add(ERFC[i]).mul(t);
        }
        poly = poly.add(ERFC[0]);
        Tensor c = t.mul(poly.sub(z.mul(z)).exp()).mul(0.5);
        Tensor phi = c.mul(ms[1]).add(ms[0]);
        return x.mul(phi);
    }

    private static Tensor[] signMasks(Tensor x) {
        double[] v = x.toDoubleArray();
        int[] shape = x.shape();
        if (x.dtype() == DType.FLOAT32) {
            float[] m = new float[v.length];
            float[] s = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                boolean pos = v[i] >= 0;
                m[i] = pos ? 1f : 0f;
                s[i] = pos ? -1f : 1f;
            }
            return new Tensor[] {TensorInternals.wrap(m, shape), TensorInternals.wrap(s, shape)};
        }
        if (x.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException("gelu: input must be FLOAT32 or FLOAT64, got " + x.dtype());
        }
        double[] m = new double[v.length];
        double[] s = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            boolean pos = v[i] >= 0;
            m[i] = pos ? 1 : 0;
            s[i] = pos ? -1 : 1;
        }
        return new Tensor[] {TensorInternals.wrap(m, shape), TensorInternals.wrap(s, shape)};
    }

    /**
     * The tanh approximation of GELU (PyTorch's {@code approximate='tanh'}, GPT-2's "gelu_new"):
     * {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}.
     *
     * @param x a float tensor
     * @return the approximate GELU
     */
    public static Tensor geluTanh(Tensor x) {
        Tensor inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(Math.sqrt(2.0 / Math.PI));
        return x.mul(inner.tanh().add(1.0)).mul(0.5);
    }

    /**
     * Layer normalisation over the last {@code normalizedRank} dimensions:
     * {@code (x - mean) / sqrt(var + eps)} with the biased variance, then {@code * weight + bias}
     * when given.
     *
     * @param x input [..., normalized dims]
     * @param normalizedRank how many trailing dimensions to normalise over (>= 1)
     * @param weight scale of the normalised shape, or null
     * @param bias shift of the normalised shape, or null
     * @param eps added to the variance
     * @return the normalised tensor, same shape as {@code x}
     */
    public static Tensor layerNorm(Tensor x, int normalizedRank, Tensor weight, Tensor bias, double eps) {
        int rank = x.dim();
        if (normalizedRank < 1 || normalizedRank > rank) {
            throw new IllegalArgumentException("layerNorm: cannot normalise the last " + normalizedRank
                    + " dimensions of a tensor of shape " + Arrays.toString(x.shape()));
        }
        int[] axes = new int[normalizedRank];
        for (int i = 0; i < normalizedRank; i++) {
            axes[i] = rank - normalizedRank + i;
        }
        Tensor centered = x.sub(x.mean(axes, true));
        Tensor var = centered.mul(centered).mean(axes, true);
        Tensor y = centered.div(var.add(eps).sqrt());
        if (weight != null) {
            y = y.mul(weight);
        }
        if (bias != null) {
            y = y.add(bias);
        }
        return y;
    }

    /**
     * Inverted dropout: zeroes each element with probability {@code p} and scales the rest by
     * {@code 1 / (1 - p)}, so the expectation is unchanged. Identity when {@code p == 0};
     * zeros when {@code p == 1}.
     *
     * @param x a float tensor
     * @param p drop probability in [0, 1]
     * @param rng the generator for the mask
     * @return the dropped-out tensor
     */
    public static Tensor dropout(Tensor x, double p, Rng rng) {
        checkP(p);
        if (p == 0) {
            return x;
        }
        Objects.requireNonNull(rng, "dropout: rng");
        int n = x.numel();
        int[] shape = x.shape();
        double scale = p == 1 ? 0 : 1 / (1 - p);
        if (x.dtype() == DType.FLOAT32) {
            float[] m = new float[n];
            float fs = (float) scale;
            for (int i = 0; i < n; i++) {
                m[i] = rng.nextDouble() < p ? 0f : fs;
            }
            return x.mul(TensorInternals.wrap(m, shape));
        }
        if (x.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException("dropout: input must be FLOAT32 or FLOAT64, got " + x.dtype());
        }
        double[] m = new double[n];
        for (int i = 0; i < n; i++) {
            m[i] = rng.nextDouble() < p ? 0 : scale;
        }
        return x.mul(TensorInternals.wrap(m, shape));
    }

    static void checkP(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout: probability must be in [0, 1], got " + p);
        }
    }
}
