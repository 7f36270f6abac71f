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

    // Chebyshev fit of erfc (Numerical Recipes "erfcc"): erfc(z) = t exp(-z^2 + poly(t)),
    // t = 1 / (1 + z / 2), z >= 0, with fractional error below 1.2e-7 everywhere.

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
     * {@code approximate='none'}); see {@link Tensor#gelu()} for the float32 kernel's accuracy.
     * Differentiable to any order.
     *
     * @param x a float tensor
     * @return GELU(x)
     */
    public static Tensor gelu(Tensor x) {
        return x.gelu(false);
    }

    /**
     * The tanh approximation of GELU (PyTorch's {@code approximate='tanh'}, GPT-2's "gelu_new"):
     * {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}.
     *
     * @param x a float tensor
     * @return the approximate GELU
     */
    public static Tensor geluTanh(Tensor x) {
        return x.gelu(true);
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
        // The tensor's fused op: one pass forward, one pass backward (still differentiable again).
        return x.layerNorm(Arrays.copyOfRange(x.shape(), rank - normalizedRank, rank), weight, bias, eps);
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
