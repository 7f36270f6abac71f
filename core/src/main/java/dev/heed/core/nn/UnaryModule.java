package dev.heed.core.nn;

import dev.heed.core.Tensor;
import org.apiguardian.api.API;

/**
 * A module with one tensor input and one tensor output, the kind {@link Sequential} chains.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public abstract class UnaryModule extends Module {

    /** Creates an empty module. */
    protected UnaryModule() {}

    /**
     * Runs the module.
     *
     * @param input the input tensor
     * @return the output tensor
     */
    public abstract Tensor forward(Tensor input);
}
