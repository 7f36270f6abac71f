package dev.heed.rl.internal;

import dev.heed.core.DType;
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
}
