package dev.heed.core.nn;

import dev.heed.core.Tensor;
import org.apiguardian.api.API;

/** Elementwise activations by name, usable as a function ({@link #apply}) or a module ({@link #module}). */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public enum Activation {
    /** x. */
    IDENTITY,
    /** tanh(x). */
    TANH,
    /** max(x, 0). */
    RELU,
    /** exact GELU x Phi(x). */
    GELU,
    /** tanh-approximated GELU. */
    GELU_TANH,
    /** 1 / (1 + exp(-x)). */
    SIGMOID;

    /**
     * @param x input
     * @return the activation applied elementwise
     */
    public Tensor apply(Tensor x) {
        switch (this) {
            case IDENTITY: return x;
            case TANH: return x.tanh();
            case RELU: return x.relu();
            case GELU: return Functional.gelu(x);
            case GELU_TANH: return Functional.geluTanh(x);
            default: return x.sigmoid();
        }
    }

    /** @return a new parameter-free module applying this activation */
    public UnaryModule module() {
        switch (this) {
            case IDENTITY: return new Identity();
            case TANH: return new Tanh();
            case RELU: return new ReLU();
            case GELU: return new GELU(false);
            case GELU_TANH: return new GELU(true);
            default: return new Sigmoid();
        }
    }
}
