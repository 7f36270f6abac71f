package dev.heed.rl;

import dev.heed.core.DType;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Architecture of an {@link ActorCritic}; defaults are Stable-Baselines3's {@code MlpPolicy}:
 * separate actor and critic MLPs {@code [64, 64]} with tanh, orthogonal initialisation (gains √2
 * hidden, 0.01 policy head, 1 value head), a state-independent log σ initialised to 0, float32.
 *
 * <p>Immutable; the {@code with…} methods return modified copies.
 *
 * @param piLayers hidden sizes of the actor MLP (the shared trunk when {@code sharedTrunk}); may be empty
 * @param vfLayers hidden sizes of the critic MLP (ignored when {@code sharedTrunk})
 * @param activation the hidden activation
 * @param sharedTrunk one MLP ({@code piLayers}) feeds both heads
 * @param orthoInit orthogonal initialisation with the usual gains; otherwise PyTorch's default
 *     {@code Linear} initialisation (uniform in ±1/√fan_in)
 * @param logStdInit initial log σ of Gaussian policies
 * @param logStdMode where log σ of Gaussian policies comes from
 * @param squash tanh-squash Gaussian actions (Box spaces only; actions are rescaled onto the bounds)
 * @param dtype FLOAT32 or FLOAT64 parameters
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record PolicyConfig(List<Integer> piLayers, List<Integer> vfLayers, Activation activation, boolean sharedTrunk,
        boolean orthoInit, double logStdInit, LogStdMode logStdMode, boolean squash, DType dtype) {

    /** Hidden-layer activations. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public enum Activation {
        /** {@code tanh} (SB3's default for on-policy algorithms). */
        TANH,
        /** {@code max(0, x)}. */
        RELU
    }

    /** Where the log standard deviation of a Gaussian policy comes from. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public enum LogStdMode {
        /** One learned {@code [d]} vector, independent of the state (SB3's default). */
        PARAMETER,
        /** A second output head of the actor: the policy net emits {@code [μ, log σ]}. */
        HEAD
    }

    /**
     * @throws IllegalArgumentException on non-positive layer sizes, a non-float dtype or a
     *     non-finite {@code logStdInit}
     */
    public PolicyConfig {
        piLayers = List.copyOf(Objects.requireNonNull(piLayers, "piLayers"));
        vfLayers = List.copyOf(Objects.requireNonNull(vfLayers, "vfLayers"));
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(logStdMode, "logStdMode");
        Objects.requireNonNull(dtype, "dtype");
        for (List<Integer> l : List.of(piLayers, vfLayers)) {
            for (int h : l) {
                if (h < 1) {
                    throw new IllegalArgumentException("PolicyConfig: layer sizes must be >= 1, got " + l);
                }
            }
        }
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException("PolicyConfig: dtype must be FLOAT32 or FLOAT64, got " + dtype);
        }
        if (!Double.isFinite(logStdInit)) {
            throw new IllegalArgumentException("PolicyConfig: logStdInit must be finite, got " + logStdInit);
        }
    }

    /** @return SB3's MlpPolicy defaults */
    public static PolicyConfig defaults() {
        return new PolicyConfig(List.of(64, 64), List.of(64, 64), Activation.TANH, false, true, 0.0,
                LogStdMode.PARAMETER, false, DType.FLOAT32);
    }

    /**
     * @param pi actor hidden sizes
     * @param vf critic hidden sizes
     * @return a copy with these layer sizes
     */
    public PolicyConfig withLayers(List<Integer> pi, List<Integer> vf) {
        return new PolicyConfig(pi, vf, activation, sharedTrunk, orthoInit, logStdInit, logStdMode, squash, dtype);
    }

    /**
     * @param a activation
     * @return a copy with this activation
     */
    public PolicyConfig withActivation(Activation a) {
        return new PolicyConfig(piLayers, vfLayers, a, sharedTrunk, orthoInit, logStdInit, logStdMode, squash, dtype);
    }

    /**
     * @param shared whether actor and critic share the {@code piLayers} trunk
     * @return a copy
     */
    public PolicyConfig withSharedTrunk(boolean shared) {
        return new PolicyConfig(piLayers, vfLayers, activation, shared, orthoInit, logStdInit, logStdMode, squash, dtype);
    }

    /**
     * @param ortho orthogonal initialisation on/off
     * @return a copy
     */
    public PolicyConfig withOrthoInit(boolean ortho) {
        return new PolicyConfig(piLayers, vfLayers, activation, sharedTrunk, ortho, logStdInit, logStdMode, squash, dtype);
    }

    /**
     * @param init initial log σ
     * @return a copy
     */
    public PolicyConfig withLogStdInit(double init) {
        return new PolicyConfig(piLayers, vfLayers, activation, sharedTrunk, orthoInit, init, logStdMode, squash, dtype);
    }

    /**
     * @param mode log σ source
     * @return a copy
     */
    public PolicyConfig withLogStdMode(LogStdMode mode) {
        return new PolicyConfig(piLayers, vfLayers, activation, sharedTrunk, orthoInit, logStdInit, mode, squash, dtype);
    }

    /**
     * @param s tanh-squash Gaussian actions
     * @return a copy
     */
    public PolicyConfig withSquash(boolean s) {
        return new PolicyConfig(piLayers, vfLayers, activation, sharedTrunk, orthoInit, logStdInit, logStdMode, s, dtype);
    }

    /**
     * @param t parameter dtype
     * @return a copy
     */
    public PolicyConfig withDtype(DType t) {
        return new PolicyConfig(piLayers, vfLayers, activation, sharedTrunk, orthoInit, logStdInit, logStdMode, squash, t);
    }
}
