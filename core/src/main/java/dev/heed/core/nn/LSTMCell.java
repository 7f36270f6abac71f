package dev.heed.core.nn;

import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import org.apiguardian.api.API;

/**
 * One LSTM step, like {@code torch.nn.LSTMCell}: the equations of {@link LSTM} for a single time
 * step, gate order i, f, g, o; parameters as in {@link RecurrentCell} with G = 4.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class LSTMCell extends RecurrentCell {

    /**
     * The new state.
     *
     * @param h hidden state [B, H]
     * @param c cell state [B, H]
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public record State(Tensor h, Tensor c) {}

    /**
     * @param inputSize input features
     * @param hiddenSize hidden features
     * @param bias whether to use biases
     * @param rng generator for the initial values
     */
    public LSTMCell(int inputSize, int hiddenSize, boolean bias, Rng rng) {
        super("LSTMCell", 4, inputSize, hiddenSize, bias, rng);
    }

    /**
     * @param inputSize input features
     * @param hiddenSize hidden features
     * @param rng generator for the initial values
     */
    public LSTMCell(int inputSize, int hiddenSize, Rng rng) {
        this(inputSize, hiddenSize, true, rng);
    }

    /**
     * @param x input [B, inputSize]
     * @param h previous hidden state [B, H] or null for zeros
     * @param c previous cell state [B, H] or null for zeros
     * @return the next state
     */
    public State forward(Tensor x, Tensor h, Tensor c) {
        checkInput(x);
        int b = x.size(0);
        Tensor hp = stateOrZeros(h, "h", b, x.dtype());
        Tensor cp = stateOrZeros(c, "c", b, x.dtype());
        Tensor pre = Functional.linear(x, weightIh(), biasIh()).add(Functional.linear(hp, weightHh(), biasHh()));
        Tensor i = gate(pre, 0).sigmoid();
        Tensor f = gate(pre, 1).sigmoid();
        Tensor g = gate(pre, 2).tanh();
        Tensor o = gate(pre, 3).sigmoid();
        Tensor cn = f.mul(cp).add(i.mul(g));
        return new State(o.mul(cn.tanh()), cn);
    }
}
