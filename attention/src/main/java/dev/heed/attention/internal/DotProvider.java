package dev.heed.attention.internal;

import dev.heed.attention.spi.SimilarityFactory;
import dev.heed.attention.spi.SimilarityProvider;
import dev.heed.core.spi.Options;
import org.apiguardian.api.API;

/** Built-in {@code dot}: {@code q·kᵀ}. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class DotProvider implements SimilarityProvider {

    /** For ServiceLoader. */
    public DotProvider() {}

    @Override
    public String name() {
        return "dot";
    }

    @Override
    public String description() {
        return "dot product q·k (Luong 'dot'), no scaling";
    }

    @Override
    public SimilarityFactory create(Options options) {
        return ctx -> new DotSimilarity("dot", 1.0);
    }
}
