package dev.heed.core.nn;

import dev.heed.core.Tensor;
import org.apiguardian.api.API;

/** Elementwise {@code tanh}; no parameters. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Tanh extends UnaryModule {

    /** Creates the module. */
    public Tanh() {}

    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}
