package dev.heed.core.nn.init;

import org.apiguardian.api.API;

/** Nonlinearities known to {@link Init#calculateGain}, as in PyTorch's {@code calculate_gain}. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public enum Nonlinearity {
    /** gain 1. */
    LINEAR,
    /** gain 1 (convolutions are linear). */
    CONV,
    /** gain 1. */
    SIGMOID,
    /** gain 5/3. */
    TANH,
    /** gain sqrt(2). */
    RELU,
    /** gain sqrt(2 / (1 + slope^2)), slope 0.01 by default. */
    LEAKY_RELU,
    /** gain 3/4. */
    SELU
}
