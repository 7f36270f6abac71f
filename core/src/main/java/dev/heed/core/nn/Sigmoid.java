package dev.heed.core.nn;

import dev.heed.core.Tensor;
import org.apiguardian.api.API;

/** Elementwise {@code 1 / (1 + exp(-x))}; no parameters. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Sigmoid extends UnaryModule {

    /** Creates the module. */
    public Sigmoid() {}

    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}
