package dev.heed.core.nn;

import dev.heed.core.Tensor;
import org.apiguardian.api.API;

/** Elementwise {@code x (no-op)}; no parameters. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Identity extends UnaryModule {

    /** Creates the module. */
    public Identity() {}

    @Override
    public Tensor forward(Tensor x) {
        return x;
    }
}
