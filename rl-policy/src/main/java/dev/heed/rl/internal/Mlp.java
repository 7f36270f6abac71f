package dev.heed.rl.internal;

import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/** A stack of {@link Dense} layers, each followed by the activation. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Mlp {

    private final List<Dense> layers;
    private final boolean tanh;
    private final int outDim;

    /**
     * @param in input size
     * @param hidden layer sizes (may be empty: identity)
     * @param tanh tanh if true, relu otherwise
     * @param orthoGain gain for orthogonal init, NaN for PyTorch's default
     * @param dtype float dtype
     * @param rng generator
     */
    public Mlp(int in, List<Integer> hidden, boolean tanh, double orthoGain, DType dtype, Rng rng) {
        List<Dense> l = new ArrayList<>();
        int d = in;
        for (int h : hidden) {
            l.add(new Dense(d, h, orthoGain, dtype, rng));
            d = h;
        }
        this.layers = Collections.unmodifiableList(l);
        this.tanh = tanh;
        this.outDim = d;
    }

    /** @return the layers */
    public List<Dense> layers() {
        return layers;
    }

    /** @return whether the activation is tanh (else relu) */
    public boolean isTanh() {
        return tanh;
    }

    /** @return output size (input size when there are no layers) */
    public int outDim() {
        return outDim;
    }

    /**
     * @param x {@code [N, in]}
     * @return {@code [N, outDim]}
     */
    public Tensor forward(Tensor x) {
        Tensor h = x;
        for (Dense layer : layers) {
            h = tanh ? layer.forwardTanh(h) : layer.forward(h).relu();
        }
        return h;
    }

    /**
     * {@code tanh(x) = 2·sigmoid(2x) − 1}, composed from ops that are several times faster than
     * {@code Tensor.tanh} on JDK 17 (whose {@code Math.tanh} is not an intrinsic); differentiable to
     * any order; absolute error at float32 rounding level.
     *
     * @param x input
     * @return tanh(x)
     */
    public static Tensor tanh(Tensor x) {
        return x.mul(2).sigmoid().mul(2).sub(1);
    }

    /**
     * Adds the parameters under {@code prefix.<2i>.weight/bias} (the indices of a PyTorch
     * {@code Sequential(Linear, act, Linear, act, …)}).
     *
     * @param prefix e.g. {@code mlp_extractor.policy_net}
     * @param into destination, in insertion order
     */
    public void collect(String prefix, Map<String, Tensor> into) {
        for (int i = 0; i < layers.size(); i++) {
            into.put(prefix + "." + (2 * i) + ".weight", layers.get(i).weight());
            into.put(prefix + "." + (2 * i) + ".bias", layers.get(i).bias());
        }
    }
}
