package dev.heed.core.nn;

import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.init.Init;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Common base of the multi-layer recurrent layers {@link LSTM} and {@link GRU}, modelled on
 * PyTorch's {@code torch.nn.RNNBase} with {@code batch_first=True}.
 *
 * <p>Layer {@code k} owns {@code weight_ih_l<k>} [G·H, I_k], {@code weight_hh_l<k>} [G·H, H] and,
 * with bias, {@code bias_ih_l<k>} and {@code bias_hh_l<k>} [G·H], where G is the number of gates
 * (4 for the LSTM, 3 for the GRU), I_0 is the input size and I_k = H above. These names, shapes,
 * gate orders and the registration order equal PyTorch's, so state dicts map one to one. Every
 * parameter starts as U(−1/√H, 1/√H), PyTorch's default.
 *
 * <p>The input projections of all time steps are one matrix product per layer; the recurrence
 * runs as one fused op per layer (one small GEMM and a few elementwise passes per step, with a
 * hand-written backward through time). Gradients through the layers are first order only; for
 * higher-order gradients unroll {@link LSTMCell} or {@link GRUCell}. With {@code dropout > 0} the
 * outputs of every layer except the last are dropped out in training mode, as in PyTorch.
 *
 * <p>Threads: as {@link Module}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public abstract class RNNBase extends UnaryModule {

    private final String kind;
    private final int gates;
    private final int inputSize;
    private final int hiddenSize;
    private final int numLayers;
    private final boolean bias;
    private final double dropout;
    private final Rng dropoutRng;

    /**
     * @param kind layer name used in messages ("LSTM", "GRU")
     * @param gates gates per unit (4 or 3)
     * @param inputSize features per time step of the input (> 0)
     * @param hiddenSize features of the hidden state (> 0)
     * @param numLayers stacked layers (>= 1)
     * @param bias whether the layers have the two bias vectors
     * @param dropout drop probability between layers, in [0, 1)
     * @param rng generator for the initial values and the dropout masks
     */
    protected RNNBase(String kind, int gates, int inputSize, int hiddenSize, int numLayers, boolean bias, double dropout,
            Rng rng) {
        this.kind = Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(rng, kind + ": rng");
        if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0) {
            throw new IllegalArgumentException(kind + ": inputSize, hiddenSize and numLayers must be positive, got inputSize="
                    + inputSize + ", hiddenSize=" + hiddenSize + ", numLayers=" + numLayers);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException(kind + ": dropout must be in [0, 1), got " + dropout);
        }
        this.gates = gates;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
        this.bias = bias;
        this.dropout = dropout;
        this.dropoutRng = rng.child(0x5EED_D50L);
        double bound = 1.0 / Math.sqrt(hiddenSize);
        int g = gates * hiddenSize;
        for (int l = 0; l < numLayers; l++) {
            int in = l == 0 ? inputSize : hiddenSize;
            registerParameter("weight_ih_l" + l, Init.uniform(Tensor.zeros(g, in), -bound, bound, rng));
            registerParameter("weight_hh_l" + l, Init.uniform(Tensor.zeros(g, hiddenSize), -bound, bound, rng));
            if (bias) {
                registerParameter("bias_ih_l" + l, Init.uniform(Tensor.zeros(g), -bound, bound, rng));
                registerParameter("bias_hh_l" + l, Init.uniform(Tensor.zeros(g), -bound, bound, rng));
            }
        }
    }

    /** @return features per time step of the input */
    public final int inputSize() {
        return inputSize;
    }

    /** @return features of the hidden state (and of the output) */
    public final int hiddenSize() {
        return hiddenSize;
    }

    /** @return number of stacked layers */
    public final int numLayers() {
        return numLayers;
    }

    /** @return whether the layers have biases */
    public final boolean hasBias() {
        return bias;
    }

    /** @return the dropout probability between layers */
    public final double dropout() {
        return dropout;
    }

    /**
     * @param layer 0 .. numLayers-1
     * @return {@code weight_ih_l<layer>}, [G·H, I]
     */
    public final Tensor weightIh(int layer) {
        return param("weight_ih_l" + checkLayer(layer));
    }

    /**
     * @param layer 0 .. numLayers-1
     * @return {@code weight_hh_l<layer>}, [G·H, H]
     */
    public final Tensor weightHh(int layer) {
        return param("weight_hh_l" + checkLayer(layer));
    }

    /**
     * @param layer 0 .. numLayers-1
     * @return {@code bias_ih_l<layer>}, [G·H], or null without biases
     */
    public final Tensor biasIh(int layer) {
        return paramOrNull("bias_ih_l" + checkLayer(layer));
    }

    /**
     * @param layer 0 .. numLayers-1
     * @return {@code bias_hh_l<layer>}, [G·H], or null without biases
     */
    public final Tensor biasHh(int layer) {
        return paramOrNull("bias_hh_l" + checkLayer(layer));
    }

    private int checkLayer(int layer) {
        if (layer < 0 || layer >= numLayers) {
            throw new IllegalArgumentException(kind + ": layer " + layer + " does not exist (valid: 0 .. " + (numLayers - 1) + ")");
        }
        return layer;
    }

    /**
     * Checks the input [B, T, inputSize] against this layer.
     *
     * @param x the input
     * @return {@code x}
     * @throws IllegalArgumentException naming the shapes or dtypes when they do not fit
     */
    protected final Tensor checkInput(Tensor x) {
        Objects.requireNonNull(x, kind + ": input");
        int[] s = x.shape();
        String expected = "[batch, time, " + inputSize + "]";
        if (s.length != 3) {
            throw new IllegalArgumentException(kind + ": input of shape " + Arrays.toString(s) + " does not fit; expected "
                    + expected + " (batch-first)" + (s.length == 2 && s[1] == inputSize
                            ? "; for one sequence use x.unsqueeze(0)" : ""));
        }
        if (s[2] != inputSize) {
            throw new IllegalArgumentException(kind + ": input of shape " + Arrays.toString(s) + " does not fit; expected "
                    + expected + " — the last dimension is " + s[2] + " but inputSize is " + inputSize
                    + "; check inputSize or the size of the layer before");
        }
        if (s[0] == 0 || s[1] == 0) {
            throw new IllegalArgumentException(kind + ": input of shape " + Arrays.toString(s)
                    + " is empty; batch and time must be at least 1");
        }
        DType dt = weightIh(0).dtype();
        if (x.dtype() != dt) {
            throw new IllegalArgumentException(kind + ": input is " + x.dtype() + " but the parameters are " + dt
                    + "; convert one, e.g. x.to(DType." + dt + ") or layer.to(DType." + x.dtype() + ")");
        }
        return x;
    }

    /**
     * Checks an initial state [numLayers, B, H].
     *
     * @param state the state or null
     * @param name its name in messages ("h0", "c0")
     * @param batch B
     * @param dtype the parameters' dtype
     * @return {@code state}
     */
    protected final Tensor checkState(Tensor state, String name, int batch, DType dtype) {
        if (state == null) {
            return null;
        }
        int[] want = {numLayers, batch, hiddenSize};
        if (!Arrays.equals(state.shape(), want)) {
            throw new IllegalArgumentException(kind + ": initial state " + name + " has shape " + Arrays.toString(state.shape())
                    + " but must be [numLayers, batch, hiddenSize] = " + Arrays.toString(want));
        }
        if (state.dtype() != dtype) {
            throw new IllegalArgumentException(kind + ": initial state " + name + " is " + state.dtype()
                    + " but the parameters are " + dtype);
        }
        return state;
    }

    /**
     * The input projections {@code x W_ih^T + b_ih} of every time step of one layer in one matrix
     * product.
     *
     * @param x [B, T, I_layer]
     * @param layer the layer
     * @return [B, T, G·H]
     */
    protected final Tensor inputProjection(Tensor x, int layer) {
        int[] s = x.shape();
        Tensor flat = x.reshape(s[0] * s[1], s[2]);
        return Functional.linear(flat, weightIh(layer), biasIh(layer)).reshape(s[0], s[1], gates * hiddenSize);
    }

    /**
     * Dropout between layers: applied to the output of every layer but the last, in training mode.
     *
     * @param y a layer's output
     * @param layer its index
     * @return the input of the next layer
     */
    protected final Tensor betweenLayers(Tensor y, int layer) {
        if (layer == numLayers - 1 || dropout == 0 || !isTraining()) {
            return y;
        }
        return Functional.dropout(y, dropout, dropoutRng);
    }

    /**
     * Layer {@code layer}'s slice of a state [L, B, H] (differentiable).
     *
     * @param state [L, B, H] or null
     * @param layer the layer
     * @return [B, H] or null
     */
    protected final Tensor layerState(Tensor state, int layer) {
        if (state == null) {
            return null;
        }
        int[] s = state.shape();
        if (numLayers == 1) {
            return state.reshape(s[1], s[2]);
        }
        return state.mul(oneHot(state.dtype(), layer)).sum(0);
    }

    /**
     * Stacks per-layer states [B, H] into [L, B, H] (differentiable).
     *
     * @param states one per layer
     * @return [L, B, H]
     */
    protected final Tensor stackLayers(List<Tensor> states) {
        if (numLayers == 1) {
            return states.get(0).unsqueeze(0);
        }
        Tensor out = null;
        for (int l = 0; l < numLayers; l++) {
            Tensor part = states.get(l).unsqueeze(0).mul(oneHot(states.get(l).dtype(), l));
            out = out == null ? part : out.add(part);
        }
        return out;
    }

    private Tensor oneHot(DType dtype, int layer) {
        double[] v = new double[numLayers];
        v[layer] = 1;
        return Tensor.of(v, numLayers, 1, 1).to(dtype);
    }

    @Override
    protected String extraRepr() {
        return kind + "(" + inputSize + ", " + hiddenSize + ", num_layers=" + numLayers + ", bias=" + bias
                + ", batch_first=True, dropout=" + dropout + ")";
    }
}
