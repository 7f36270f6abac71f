package dev.heed.core.nn;

import dev.heed.core.CustomOp;
import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.internal.TensorInternals;
import dev.heed.core.internal.autograd.GradMode;
import dev.heed.core.internal.kernel.KernelBackends;
import dev.heed.core.internal.kernel.Kernels;
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
     * @throws IllegalArgumentException if the shapes do not fit (see {@link Tensor#linear})
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return x.linear(weight, bias);
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
     * Mean cross-entropy of the rows of {@code logits} against target classes, like
     * {@code torch.nn.functional.cross_entropy} with mean reduction over the counted rows:
     * {@code loss = −(1/C) Σ_i log softmax(logits_i)[targets[i]]} over the rows {@code i} that
     * {@code mask} counts, {@code C} their number. Fused: one softmax pass over the logits
     * forward, and the gradient {@code (softmax − onehot) · g / C} in one pass backward, with no
     * one-hot tensor. Differentiable again when the backward pass is recorded ({@code createGraph}):
     * the gradient is then written with tensor ops. Thread-safe.
     *
     * @param logits FLOAT32 or FLOAT64 {@code [N, V]}
     * @param targets {@code N} class indices in {@code [0, V)}
     * @param mask null to count every row, else {@code N} entries: 0 ignores the row (its target is
     *     not checked), any other value counts it once
     * @return the scalar loss, the dtype of {@code logits}
     * @throws IllegalArgumentException for a logits tensor that is not a float matrix, a length
     *     mismatch, a target outside the vocabulary, or a mask that counts no row
     */
    public static Tensor crossEntropy(Tensor logits, long[] targets, float[] mask) {
        Objects.requireNonNull(logits, "crossEntropy: logits");
        Objects.requireNonNull(targets, "crossEntropy: targets");
        if (logits.dim() != 2 || !logits.dtype().isFloating()) {
            throw new IllegalArgumentException("crossEntropy: logits must be a FLOAT32 or FLOAT64 [N, V] matrix, got "
                    + logits.dtype() + " " + Arrays.toString(logits.shape()) + "; reshape(-1, V) the positions first");
        }
        int n = logits.size(0);
        int v = logits.size(1);
        if (targets.length != n || (mask != null && mask.length != n)) {
            throw new IllegalArgumentException("crossEntropy: " + n + " rows of logits, " + targets.length + " targets"
                    + (mask == null ? "" : " and " + mask.length + " mask entries") + "; expected one per row");
        }
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (mask == null || mask[i] != 0f) {
                if (targets[i] < 0 || targets[i] >= v) {
                    throw new IllegalArgumentException("crossEntropy: target " + targets[i] + " of row " + i
                            + " is outside the classes 0 .. " + (v - 1));
                }
                count++;
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("crossEntropy: no row is counted (every mask entry is 0)");
        }
        Tensor x = logits.contiguous();
        int off = TensorInternals.offset(x);
        double loss = 0;
        Tensor probs;
        try (NoGrad ignored = NoGrad.enter()) {
            if (x.dtype() == DType.FLOAT32) {
                Kernels k = KernelBackends.get();
                float[] xf = TensorInternals.floatData(x);
                float[] p = new float[n * v];
                k.softmaxRows(xf, off, p, 0, n, v, 1f, 0, 0);
                for (int i = 0; i < n; i++) {
                    if (mask == null || mask[i] != 0f) {
                        // the largest logit has exp(0) = 1 in the numerator, so its probability is 1 / Σ
                        // and never underflows: −log p_t = max + log Σ − x_t
                        double logSum = -Math.log(k.max(p, i * v, v));
                        loss += k.max(xf, off + i * v, v) + logSum - xf[off + i * v + (int) targets[i]];
                    }
                }
                probs = TensorInternals.wrap(p, n, v);
            } else {
                double[] xd = TensorInternals.doubleData(x);
                double[] p = new double[n * v];
                for (int i = 0; i < n; i++) {
                    int b = off + i * v;
                    double m = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < v; j++) {
                        m = Math.max(m, xd[b + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < v; j++) {
                        p[i * v + j] = Math.exp(xd[b + j] - m);
                        sum += p[i * v + j];
                    }
                    for (int j = 0; j < v; j++) {
                        p[i * v + j] /= sum;
                    }
                    if (mask == null || mask[i] != 0f) {
                        loss += m + Math.log(sum) - xd[b + (int) targets[i]];
                    }
                }
                probs = TensorInternals.wrap(p, n, v);
            }
        }
        Tensor out = Tensor.scalar(logits.dtype(), loss / count);
        double scale = 1.0 / count;
        return CustomOp.record("crossEntropy", out, g -> new Tensor[] {
            crossEntropyGrad(x, probs, targets, mask, scale, g)}, x);
    }

    /** {@code (softmax − onehot) · g / C} on the counted rows, zero on the others. */
    private static Tensor crossEntropyGrad(Tensor x, Tensor probs, long[] targets, float[] mask, double scale, Tensor g) {
        int n = x.size(0);
        int v = x.size(1);
        if (GradMode.isEnabled()) {
            // recorded backward (createGraph): tensor ops, so the gradient is differentiable again
            double[] oh = new double[n * v];
            double[] rows = new double[n];
            for (int i = 0; i < n; i++) {
                if (mask == null || mask[i] != 0f) {
                    oh[i * v + (int) targets[i]] = 1;
                    rows[i] = scale;
                }
            }
            Tensor onehot = Tensor.of(oh, n, v).to(x.dtype());
            Tensor rowScale = Tensor.of(rows, n, 1).to(x.dtype());
            return x.softmax(-1).sub(onehot).mul(rowScale).mul(g);
        }
        double gs = g.item() * scale;
        if (x.dtype() == DType.FLOAT32) {
            float[] p = TensorInternals.floatData(probs);
            float[] d = new float[n * v];
            float s = (float) gs;
            for (int i = 0; i < n; i++) {
                if (mask != null && mask[i] == 0f) {
                    continue;
                }
                int b = i * v;
                for (int j = 0; j < v; j++) {
                    d[b + j] = p[b + j] * s;
                }
                d[b + (int) targets[i]] = (p[b + (int) targets[i]] - 1f) * s;
            }
            return TensorInternals.wrap(d, n, v);
        }
        double[] p = TensorInternals.doubleData(probs);
        double[] d = new double[n * v];
        for (int i = 0; i < n; i++) {
            if (mask != null && mask[i] == 0f) {
                continue;
            }
            int b = i * v;
            for (int j = 0; j < v; j++) {
                d[b + j] = p[b + j] * gs;
            }
            d[b + (int) targets[i]] = (p[b + (int) targets[i]] - 1) * gs;
        }
        return TensorInternals.wrap(d, n, v);
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
