package dev.heed.attention.internal;

import dev.heed.attention.spi.SimilarityFactory;
import dev.heed.attention.spi.SimilarityProvider;
import dev.heed.core.spi.Options;
import org.apiguardian.api.API;

/** Built-in {@code scaled-dot}: {@code q·kᵀ / √d_k} (Vaswani et al. 2017). */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ScaledDotProvider implements SimilarityProvider {

    /** For ServiceLoader. */
    public ScaledDotProvider() {}

    @Override
    public String name() {
        return "scaled-dot";
    }

    @Override
    public String description() {
        return "dot product divided by sqrt(d_k) (Transformer default)";
    }

    @Override
    public SimilarityFactory create(Options options) {
        return ctx -> new DotSimilarity("scaled-dot", 1.0 / Math.sqrt(ctx.headDim()));
    }
}
