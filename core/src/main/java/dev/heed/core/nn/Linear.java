package dev.heed.core.nn;

import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.init.Init;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Affine map {@code y = x W^T + b} with {@code weight} of shape [out, in] and optional {@code bias}
 * [out], like {@code torch.nn.Linear}. Inputs of shape [..., in] give [..., out].
 *
 * <p>Default initialisation equals PyTorch's: weight {@code kaiming_uniform(a = sqrt(5))}, i.e.
 * U(-1/sqrt(in), 1/sqrt(in)), and bias U(-1/sqrt(in), 1/sqrt(in)); FLOAT32. Re-initialise with
 * {@link Init} through {@link #weight()} and {@link #bias()} (e.g. orthogonal for policies).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Linear extends UnaryModule {

    private final int in;
    private final int out;

    /**
     * @param in input features (> 0)
     * @param out output features (> 0)
     * @param bias whether to add a bias
     * @param rng generator for the initial values
     */
    public Linear(int in, int out, boolean bias, Rng rng) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear: in and out features must be positive, got in=" + in + ", out=" + out);
        }
        Objects.requireNonNull(rng, "Linear: rng");
        this.in = in;
        this.out = out;
        double bound = 1.0 / Math.sqrt(in);
        registerParameter("weight", Init.uniform(Tensor.zeros(out, in), -bound, bound, rng));
        if (bias) {
            registerParameter("bias", Init.uniform(Tensor.zeros(out), -bound, bound, rng));
        }
    }

    /**
     * Linear layer with a bias.
     *
     * @param in input features
     * @param out output features
     * @param rng generator for the initial values
     */
    public Linear(int in, int out, Rng rng) {
        this(in, out, true, rng);
    }

    /** @return the weight [out, in] */
    public Tensor weight() {
        return param("weight");
    }

    /** @return the bias [out], or null when the layer has none */
    public Tensor bias() {
        return paramOrNull("bias");
    }

    /**
     * Makes this layer use {@code weight} as its weight (weight tying, e.g. a language-model head
     * sharing the token embedding [vocab, dim]). The tensor is then one parameter under two names.
     *
     * @param weight a float leaf tensor of shape [out, in]
     */
    public void tieTo(Tensor weight) {
        if (!java.util.Arrays.equals(weight.shape(), new int[] {out, in})) {
            throw new IllegalArgumentException("Linear.tieTo: weight must have shape [" + out + ", " + in + "], got "
                    + java.util.Arrays.toString(weight.shape()));
        }
        replaceTensor("weight", weight);
    }

    /** @return input features */
    public int inFeatures() {
        return in;
    }

    /** @return output features */
    public int outFeatures() {
        return out;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.linear(x, weight(), bias());
    }

    @Override
    protected String extraRepr() {
        return "Linear(in=" + in + ", out=" + out + ", bias=" + (bias() != null) + ")";
    }
}
