package dev.heed.attention.spi;

import dev.heed.core.DType;
import dev.heed.core.Rng;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * What a similarity needs to know to create its parameters.
 *
 * @param headDim size {@code d} of each query and key vector (per head), positive
 * @param heads number of attention heads sharing this similarity, positive
 * @param dtype dtype of the parameters (FLOAT32 or FLOAT64)
 * @param rng generator for the initial values; the similarity may keep drawing from it
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record SimilarityContext(int headDim, int heads, DType dtype, Rng rng) {

    /** Validates the components. */
    public SimilarityContext {
        if (headDim <= 0 || heads <= 0) {
            throw new IllegalArgumentException("SimilarityContext: headDim and heads must be positive, got headDim="
                    + headDim + ", heads=" + heads);
        }
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(rng, "rng");
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException("SimilarityContext: dtype must be FLOAT32 or FLOAT64, got " + dtype);
        }
    }
}
