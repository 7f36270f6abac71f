package dev.heed.positional.spi;

import dev.heed.core.Rng;
import org.apiguardian.api.API;

/**
 * A configured positional scheme, ready to be instantiated for a model: what
 * {@link PositionalProvider#create} returns once the options are fixed.
 *
 * <p>Implementations are immutable and thread-safe; each {@link #create} call returns a new,
 * independent scheme (its own parameters).
 */
@FunctionalInterface
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface PositionalFactory {

    /**
     * Creates the scheme for one model. One scheme serves every attention layer of the model
     * (the per-layer hooks take the layer index), so a table shared across layers is simply one
     * parameter of the scheme, and a per-layer table is one parameter per layer.
     *
     * @param dims the model's dimensions, not null
     * @param rng generator for the initial values of learnable parameters, not null (schemes
     *     without parameters ignore it)
     * @return a new scheme, never null
     * @throws IllegalArgumentException if the scheme cannot serve these dimensions (e.g. an odd
     *     head dimension for a rotary scheme); the message names the scheme, the dimension and the fix
     */
    PositionalScheme create(PositionalDims dims, Rng rng);
}
