package dev.heed.attention.spi;

import org.apiguardian.api.API;

/**
 * A configured similarity waiting for its dimensions: what a {@link SimilarityProvider} creates
 * from its options. Each call makes a new, independent instance (fresh parameters).
 *
 * <pre>{@code
 * SimilarityFactory f = provider.create(Options.defaults(provider));
 * Similarity s = f.create(new SimilarityContext(64, 8, DType.FLOAT32, Rng.seeded(1)));
 * }</pre>
 */
@FunctionalInterface
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface SimilarityFactory {

    /**
     * @param context head size, head count, dtype and generator; non-null
     * @return a new similarity, never null
     */
    Similarity create(SimilarityContext context);
}
