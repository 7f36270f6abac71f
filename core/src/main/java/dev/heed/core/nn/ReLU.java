package dev.heed.core.nn;

import dev.heed.core.Tensor;
import org.apiguardian.api.API;

/** Elementwise {@code max(x, 0)}; no parameters. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class ReLU extends UnaryModule {

    /** Creates the module. */
    public ReLU() {}

    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
