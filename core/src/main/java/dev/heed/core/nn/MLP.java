package dev.heed.core.nn;

import dev.heed.core.Rng;
import java.util.Arrays;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Multi-layer perceptron: {@code Linear(sizes[0], sizes[1])}, activation, ...,
 * {@code Linear(sizes[n-2], sizes[n-1])}, then the optional output activation. It is a
 * {@link Sequential}, so parameters are named like PyTorch/Stable-Baselines3
 * ({@code 0.weight}, {@code 2.weight}, ...). Linear layers use PyTorch's default initialisation;
 * re-initialise them through {@link #linears()} if needed.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class MLP extends Sequential {

    private final Linear[] linears;

    /**
     * @param sizes layer widths including input and output (at least 2, all positive)
     * @param hidden activation after every hidden layer
     * @param output activation after the last layer, or null / {@link Activation#IDENTITY} for none
     * @param bias whether the linear layers have biases
     * @param rng generator for the initial weights
     */
    public MLP(int[] sizes, Activation hidden, Activation output, boolean bias, Rng rng) {
        Objects.requireNonNull(hidden, "MLP: hidden activation");
        Objects.requireNonNull(rng, "MLP: rng");
        if (sizes.length < 2) {
            throw new IllegalArgumentException("MLP: sizes must list at least input and output, got "
                    + Arrays.toString(sizes));
        }
        linears = new Linear[sizes.length - 1];
        for (int i = 0; i + 1 < sizes.length; i++) {
            linears[i] = new Linear(sizes[i], sizes[i + 1], bias, rng);
            add(linears[i]);
            if (i + 2 < sizes.length) {
                add(hidden.module());
            }
        }
        if (output != null && output != Activation.IDENTITY) {
            add(output.module());
        }
    }

    /**
     * MLP with biases and no output activation.
     *
     * @param sizes layer widths including input and output
     * @param hidden hidden activation
     * @param rng generator
     */
    public MLP(int[] sizes, Activation hidden, Rng rng) {
        this(sizes, hidden, null, true, rng);
    }

    /** @return the linear layers in order (a copy of the array) */
    public Linear[] linears() {
        return linears.clone();
    }
}
