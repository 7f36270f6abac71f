package dev.heed.core.nn;

import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.init.Init;
import java.util.Arrays;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Common base of the single-step cells {@link LSTMCell} and {@link GRUCell}, like PyTorch's
 * {@code RNNCellBase}: parameters {@code weight_ih} [G·H, I], {@code weight_hh} [G·H, H] and,
 * with bias, {@code bias_ih}, {@code bias_hh} [G·H], all initialised U(−1/√H, 1/√H).
 *
 * <p>Cells are written with ordinary tensor ops, so they are differentiable to any order; use
 * them to unroll a recurrence by hand or when second-order gradients are needed. For whole
 * sequences the layers {@link LSTM} and {@link GRU} are much faster.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public abstract class RecurrentCell extends Module {

    private final String kind;
    private final int gates;
    private final int inputSize;
    private final int hiddenSize;

    /**
     * @param kind name used in messages
     * @param gates gates per unit
     * @param inputSize input features (> 0)
     * @param hiddenSize hidden features (> 0)
     * @param bias whether to use biases
     * @param rng generator for the initial values
     */
    protected RecurrentCell(String kind, int gates, int inputSize, int hiddenSize, boolean bias, Rng rng) {
        this.kind = Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(rng, kind + ": rng");
        if (inputSize <= 0 || hiddenSize <= 0) {
            throw new IllegalArgumentException(kind + ": inputSize and hiddenSize must be positive, got inputSize="
                    + inputSize + ", hiddenSize=" + hiddenSize);
        }
        this.gates = gates;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        double bound = 1.0 / Math.sqrt(hiddenSize);
        int g = gates * hiddenSize;
        registerParameter("weight_ih", Init.uniform(Tensor.zeros(g, inputSize), -bound, bound, rng));
        registerParameter("weight_hh", Init.uniform(Tensor.zeros(g, hiddenSize), -bound, bound, rng));
        if (bias) {
            registerParameter("bias_ih", Init.uniform(Tensor.zeros(g), -bound, bound, rng));
            registerParameter("bias_hh", Init.uniform(Tensor.zeros(g), -bound, bound, rng));
        }
    }

    /** @return input features */
    public final int inputSize() {
        return inputSize;
    }

    /** @return hidden features */
    public final int hiddenSize() {
        return hiddenSize;
    }

    /** @return {@code weight_ih}, [G·H, I] */
    public final Tensor weightIh() {
        return param("weight_ih");
    }

    /** @return {@code weight_hh}, [G·H, H] */
    public final Tensor weightHh() {
        return param("weight_hh");
    }

    /** @return {@code bias_ih} or null */
    public final Tensor biasIh() {
        return paramOrNull("bias_ih");
    }

    /** @return {@code bias_hh} or null */
    public final Tensor biasHh() {
        return paramOrNull("bias_hh");
    }

    /**
     * Checks an input [B, inputSize].
     *
     * @param x the input
     * @return {@code x}
     */
    protected final Tensor checkInput(Tensor x) {
        Objects.requireNonNull(x, kind + ": input");
        int[] s = x.shape();
        if (s.length != 2 || s[1] != inputSize) {
            throw new IllegalArgumentException(kind + ": input of shape " + Arrays.toString(s)
                    + " does not fit; expected [batch, " + inputSize + "]"
                    + (s.length == 1 && s[0] == inputSize ? "; for one sample use x.unsqueeze(0)" : ""));
        }
        DType dt = weightIh().dtype();
        if (x.dtype() != dt) {
            throw new IllegalArgumentException(kind + ": input is " + x.dtype() + " but the parameters are " + dt
                    + "; convert one, e.g. x.to(DType." + dt + ")");
        }
        return x;
    }

    /**
     * Checks a state [B, hiddenSize]; null means zeros.
     *
     * @param state the state or null
     * @param name its name in messages
     * @param batch B
     * @param dtype the dtype wanted
     * @return the state, or zeros when null
     */
    protected final Tensor stateOrZeros(Tensor state, String name, int batch, DType dtype) {
        if (state == null) {
            return Tensor.zeros(dtype, batch, hiddenSize);
        }
        if (!Arrays.equals(state.shape(), new int[] {batch, hiddenSize}) || state.dtype() != dtype) {
            throw new IllegalArgumentException(kind + ": state " + name + " is " + state.dtype() + " "
                    + Arrays.toString(state.shape()) + " but must be " + dtype + " [" + batch + ", " + hiddenSize + "]");
        }
        return state;
    }

    /**
     * Gate block {@code k} of the pre-activations [B, G·H] (a differentiable chunk along the last axis).
     *
     * @param pre [B, G·H]
     * @param k 0 .. G-1
     * @return [B, H]
     */
    protected final Tensor gate(Tensor pre, int k) {
        int b = pre.size(0);
        double[] m = new double[gates];
        m[k] = 1;
        return pre.reshape(b, gates, hiddenSize).mul(Tensor.of(m, 1, gates, 1).to(pre.dtype())).sum(1);
    }

    @Override
    protected String extraRepr() {
        return kind + "(" + inputSize + ", " + hiddenSize + ", bias=" + (biasIh() != null) + ")";
    }
}
