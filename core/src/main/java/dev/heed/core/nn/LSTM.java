package dev.heed.core.nn;

import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Multi-layer long short-term memory over batch-first sequences, like
 * {@code torch.nn.LSTM(input_size, hidden_size, num_layers, bias, batch_first=True, dropout)}.
 *
 * <p>Each layer computes, for every step t, with gate order i, f, g, o as PyTorch:
 * <pre>
 * i = σ(W_ii x + b_ii + W_hi h + b_hi)      f = σ(W_if x + b_if + W_hf h + b_hf)
 * g = tanh(W_ig x + b_ig + W_hg h + b_hg)   o = σ(W_io x + b_io + W_ho h + b_ho)
 * c' = f ⊙ c + i ⊙ g                        h' = o ⊙ tanh(c')
 * </pre>
 * where {@code weight_ih_l<k>} = [W_ii; W_if; W_ig; W_io] is [4H, I] and {@code weight_hh_l<k>}
 * = [W_hi; W_hf; W_hg; W_ho] is [4H, H]. See {@link RNNBase} for parameters, initialisation and
 * performance notes.
 *
 * <pre>{@code
 * LSTM lstm = new LSTM(32, 64, 2, true, 0.1, Rng.seeded(1));
 * LSTM.Result r = lstm.run(x);          // x [B, T, 32]
 * Tensor y = r.output();                // [B, T, 64]
 * Tensor hN = r.h(), cN = r.c();        // [2, B, 64] each
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class LSTM extends RNNBase {

    /**
     * Outputs of a run.
     *
     * @param output the last layer's hidden state at every step, [B, T, H]
     * @param h every layer's hidden state after the last step, [numLayers, B, H]
     * @param c every layer's cell state after the last step, [numLayers, B, H]
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public record Result(Tensor output, Tensor h, Tensor c) {}

    /**
     * @param inputSize features per step of the input
     * @param hiddenSize features of the hidden state
     * @param numLayers stacked layers
     * @param bias whether to use {@code bias_ih} and {@code bias_hh}
     * @param dropout drop probability on the outputs of all layers but the last (training mode)
     * @param rng generator for the initial values and dropout masks
     */
    public LSTM(int inputSize, int hiddenSize, int numLayers, boolean bias, double dropout, Rng rng) {
        super("LSTM", 4, inputSize, hiddenSize, numLayers, bias, dropout, rng);
    }

    /**
     * One layer with biases and no dropout.
     *
     * @param inputSize features per step of the input
     * @param hiddenSize features of the hidden state
     * @param rng generator for the initial values
     */
    public LSTM(int inputSize, int hiddenSize, Rng rng) {
        this(inputSize, hiddenSize, 1, true, 0, rng);
    }

    /**
     * @param x input [B, T, inputSize]
     * @return the outputs [B, T, hiddenSize] (zero initial state)
     */
    @Override
    public Tensor forward(Tensor x) {
        return run(x, null, null).output();
    }

    /**
     * @param x input [B, T, inputSize]
     * @return outputs and final states, starting from zero states
     */
    public Result run(Tensor x) {
        return run(x, null, null);
    }

    /**
     * @param x input [B, T, inputSize]
     * @param h0 initial hidden states [numLayers, B, hiddenSize], or null for zeros
     * @param c0 initial cell states [numLayers, B, hiddenSize], or null for zeros
     * @return outputs and final states
     * @throws IllegalArgumentException when a shape or dtype does not fit, naming both
     */
    public Result run(Tensor x, Tensor h0, Tensor c0) {
        checkInput(x);
        int b = x.size(0);
        int t = x.size(1);
        int h = hiddenSize();
        checkState(h0, "h0", b, x.dtype());
        checkState(c0, "c0", b, x.dtype());
        List<Tensor> hs = new ArrayList<>();
        List<Tensor> cs = new ArrayList<>();
        Tensor in = x;
        for (int l = 0; l < numLayers(); l++) {
            Tensor[] r = RecurrentOps.lstm(inputProjection(in, l), weightHh(l), biasHh(l), layerState(h0, l),
                    layerState(c0, l), b, t, h);
            hs.add(r[1]);
            cs.add(r[2]);
            in = betweenLayers(r[0], l);
        }
        return new Result(in, stackLayers(hs), stackLayers(cs));
    }
}
