package dev.heed.rl.internal;

import dev.heed.core.Autograd;
import dev.heed.core.CustomOp;
import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import org.apiguardian.api.API;

/**
 * A fully connected layer {@code y = x Wᵀ + b} with PyTorch's parameter layout ({@code W [out, in]},
 * {@code b [out]}), so saved weights line up with {@code torch.nn.Linear}.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Dense {

    private final Tensor weight;
    private final Tensor bias;
    private final int in;
    private final int out;

    /**
     * @param in input size
     * @param out output size
     * @param orthoGain orthogonal init with this gain (bias 0); NaN for PyTorch's default init
     * @param dtype float dtype
     * @param rng generator for the initial values
     */
    public Dense(int in, int out, double orthoGain, DType dtype, Rng rng) {
        this.in = in;
        this.out = out;
        if (Double.isNaN(orthoGain)) {
            this.weight = Arrays2.tensor(Init.uniformFanIn(in * out, in, rng), dtype, out, in).requiresGrad(true);
            this.bias = Arrays2.tensor(Init.uniformFanIn(out, in, rng), dtype, out).requiresGrad(true);
        } else {
            this.weight = dev.heed.core.nn.init.Init.orthogonal(Tensor.zeros(dtype, out, in), orthoGain, rng)
                    .requiresGrad(true);
            this.bias = Tensor.zeros(dtype, out).requiresGrad(true);
        }
    }

    /** {@code g·(1 − y²)} in one loop over raw arrays (first-order backward only). */
    private Tensor scaleByTanhDerivative(Tensor g, float[] yf, double[] yd, int n) {
        if (yf != null) {
            float[] a = g.toFloatArray();
            for (int i = 0; i < a.length; i++) {
                a[i] *= 1 - yf[i] * yf[i];
            }
            return Tensor.of(a, n, out);
        }
        double[] a = g.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            a[i] *= 1 - yd[i] * yd[i];
        }
        return Tensor.of(a, n, out);
    }

    /** @return {@code W [out, in]} */
    public Tensor weight() {
        return weight;
    }

    /** @return {@code b [out]} */
    public Tensor bias() {
        return bias;
    }

    /** @return input size */
    public int in() {
        return in;
    }

    /** @return output size */
    public int out() {
        return out;
    }

    /**
     * @param x {@code [N, in]}
     * @return {@code [N, out]}
     */
    public Tensor forward(Tensor x) {
        return x.matmul(weight.mT()).add(bias);
    }

    /**
     * {@code tanh(x Wᵀ + b)} as one recorded op: the product runs on the GEMM kernel, bias and tanh
     * in one loop (float32: {@link FusedPolicy#tanhF}, error below 1e-6; float64: exact). The
     * backward is written with tensor ops ({@code g' = g·(1 − y²)}, {@code dx = g'W},
     * {@code dW = g'ᵀx}, {@code db = Σ g'}), so gradients are differentiable again (TRPO's
     * Fisher-vector products). Replaces five recorded ops (matmul, add and a composed tanh).
     *
     * @param x {@code [N, in]}
     * @return {@code [N, out]}
     */
    public Tensor forwardTanh(Tensor x) {
        int n = x.size(0);
        Tensor y;
        float[] yf = null;
        double[] yd = null;
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor z = x.matmul(weight.mT());
            if (z.dtype() == DType.FLOAT32) {
                yf = z.toFloatArray();
                float[] b = bias.toFloatArray();
                for (int i = 0; i < n; i++) {
                    for (int o = 0; o < out; o++) {
                        yf[i * out + o] = FusedPolicy.tanhF(yf[i * out + o] + b[o]);
                    }
                }
                y = Tensor.of(yf, n, out);
            } else {
                yd = z.toDoubleArray();
                double[] b = bias.toDoubleArray();
                for (int i = 0; i < n; i++) {
                    for (int o = 0; o < out; o++) {
                        yd[i * out + o] = Math.tanh(yd[i * out + o] + b[o]);
                    }
                }
                y = Tensor.of(yd, n, out);
            }
        }
        Tensor[] self = new Tensor[1];
        Tensor w = weight;
        float[] yF = yf;
        double[] yD = yd;
        self[0] = CustomOp.record("dense_tanh", y, g -> {
            Tensor gz;
            if (Autograd.isGradEnabled()) {
                // createGraph: through the recorded output, so the gradient is differentiable again
                gz = g.mul(self[0].mul(self[0]).rsub(1));
            } else {
                gz = scaleByTanhDerivative(g, yF, yD, n);
            }
            return new Tensor[] {gz.matmul(w), gz.mT().matmul(x), gz.sum(0)};
        }, x, weight, bias);
        return self[0];
    }
}
