package dev.heed.core.nn;

import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import org.apiguardian.api.API;

/**
 * One GRU step, like {@code torch.nn.GRUCell}: the equations of {@link GRU} for a single time step,
 * gate order r, z, n; parameters as in {@link RecurrentCell} with G = 3.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class GRUCell extends RecurrentCell {

    /**
     * @param inputSize input features
     * @param hiddenSize hidden features
     * @param bias whether to use biases
     * @param rng generator for the initial values
     */
    public GRUCell(int inputSize, int hiddenSize, boolean bias, Rng rng) {
        super("GRUCell", 3, inputSize, hiddenSize, bias, rng);
    }

    /**
     * @param inputSize input features
     * @param hiddenSize hidden features
     * @param rng generator for the initial values
     */
    public GRUCell(int inputSize, int hiddenSize, Rng rng) {
        this(inputSize, hiddenSize, true, rng);
    }

    /**
     * @param x input [B, inputSize]
     * @param h previous hidden state [B, H] or null for zeros
     * @return the next hidden state [B, H]
     */
    public Tensor forward(Tensor x, Tensor h) {
        checkInput(x);
        Tensor hp = stateOrZeros(h, "h", x.size(0), x.dtype());
        Tensor gi = Functional.linear(x, weightIh(), biasIh());
        Tensor gh = Functional.linear(hp, weightHh(), biasHh());
        Tensor r = gate(gi, 0).add(gate(gh, 0)).sigmoid();
        Tensor z = gate(gi, 1).add(gate(gh, 1)).sigmoid();
        Tensor n = gate(gi, 2).add(r.mul(gate(gh, 2))).tanh();
        return n.add(z.mul(hp.sub(n)));
    }
}
