package dev.heed.core.nn;

import dev.heed.core.Tensor;
import org.apiguardian.api.API;

/** GELU, exact by default ({@link Functional#gelu}) or tanh-approximated ({@link Functional#geluTanh}). */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class GELU extends UnaryModule {

    private final boolean tanhApproximation;

    /** Exact GELU (PyTorch's default). */
    public GELU() {
        this(false);
    }

    /** @param tanhApproximation use the tanh approximation (GPT-2's) instead of the exact form */
    public GELU(boolean tanhApproximation) {
        this.tanhApproximation = tanhApproximation;
    }

    @Override
    public Tensor forward(Tensor x) {
        return tanhApproximation ? Functional.geluTanh(x) : Functional.gelu(x);
    }

    @Override
    protected String extraRepr() {
        return tanhApproximation ? "GELU(approximate=tanh)" : "GELU";
    }
}
