package dev.heed.core.nn;

import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Multi-layer gated recurrent unit over batch-first sequences, like
 * {@code torch.nn.GRU(input_size, hidden_size, num_layers, bias, batch_first=True, dropout)}.
 *
 * <p>Each layer computes, for every step t, with gate order r, z, n as PyTorch:
 * <pre>
 * r = σ(W_ir x + b_ir + W_hr h + b_hr)
 * z = σ(W_iz x + b_iz + W_hz h + b_hz)
 * n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 * h' = (1 − z) ⊙ n + z ⊙ h
 * </pre>
 * where {@code weight_ih_l<k>} = [W_ir; W_iz; W_in] is [3H, I] and {@code weight_hh_l<k>} =
 * [W_hr; W_hz; W_hn] is [3H, H]. See {@link RNNBase} for parameters, initialisation and
 * performance notes.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class GRU extends RNNBase {

    /**
     * Outputs of a run.
     *
     * @param output the last layer's hidden state at every step, [B, T, H]
     * @param h every layer's hidden state after the last step, [numLayers, B, H]
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public record Result(Tensor output, Tensor h) {}

    /**
     * @param inputSize features per step of the input
     * @param hiddenSize features of the hidden state
     * @param numLayers stacked layers
     * @param bias whether to use {@code bias_ih} and {@code bias_hh}
     * @param dropout drop probability on the outputs of all layers but the last (training mode)
     * @param rng generator for the initial values and dropout masks
     */
    public GRU(int inputSize, int hiddenSize, int numLayers, boolean bias, double dropout, Rng rng) {
        super("GRU", 3, inputSize, hiddenSize, numLayers, bias, dropout, rng);
    }

    /**
     * One layer with biases and no dropout.
     *
     * @param inputSize features per step of the input
     * @param hiddenSize features of the hidden state
     * @param rng generator for the initial values
     */
    public GRU(int inputSize, int hiddenSize, Rng rng) {
        this(inputSize, hiddenSize, 1, true, 0, rng);
    }

    /**
     * @param x input [B, T, inputSize]
     * @return the outputs [B, T, hiddenSize] (zero initial state)
     */
    @Override
    public Tensor forward(Tensor x) {
        return run(x, null).output();
    }

    /**
     * @param x input [B, T, inputSize]
     * @return outputs and final state, starting from a zero state
     */
    public Result run(Tensor x) {
        return run(x, null);
    }

    /**
     * @param x input [B, T, inputSize]
     * @param h0 initial hidden states [numLayers, B, hiddenSize], or null for zeros
     * @return outputs and final states
     * @throws IllegalArgumentException when a shape or dtype does not fit, naming both
     */
    public Result run(Tensor x, Tensor h0) {
        checkInput(x);
        int b = x.size(0);
        int t = x.size(1);
        checkState(h0, "h0", b, x.dtype());
        List<Tensor> hs = new ArrayList<>();
        Tensor in = x;
        for (int l = 0; l < numLayers(); l++) {
            Tensor[] r = RecurrentOps.gru(inputProjection(in, l), weightHh(l), biasHh(l), layerState(h0, l), b, t,
                    hiddenSize());
            hs.add(r[1]);
            in = betweenLayers(r[0], l);
        }
        return new Result(in, stackLayers(hs));
    }
}
