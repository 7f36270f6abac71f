package dev.heed.attention;

import dev.heed.attention.spi.Similarity;
import dev.heed.attention.spi.SimilarityContext;
import dev.heed.attention.spi.SimilarityFactory;
import dev.heed.attention.spi.SimilarityProvider;
import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.plugin.PluginRegistry;
import dev.heed.core.spi.Options;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Finding similarity functions by name.
 *
 * <pre>{@code
 * SimilarityFactory cos = Similarities.factory("cosine", Map.of("learnScale", false));
 * Similarity s = Similarities.create("scaled-dot", 64, 8, Rng.seeded(1));
 * }</pre>
 *
 * <p>Each call loads the providers on the class path afresh (no shared state); keep a
 * {@link PluginRegistry} when looking up many names.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Similarities {

    private Similarities() {}

    /** @return the similarity providers visible from this class's loader */
    public static PluginRegistry<SimilarityProvider> registry() {
        return PluginRegistry.load(SimilarityProvider.class, Similarities.class.getClassLoader());
    }

    /**
     * @param name provider name, e.g. {@code "scaled-dot"}
     * @param options option values by name (validated; missing ones take defaults)
     * @return the configured factory
     * @throws dev.heed.core.plugin.UnknownPluginException for an unknown name (lists the names on offer)
     * @throws dev.heed.core.spi.InvalidOptionException for a bad option
     */
    public static SimilarityFactory factory(String name, Map<String, ?> options) {
        Objects.requireNonNull(name, "name");
        SimilarityProvider p = registry().get(name);
        return p.create(Options.of(p, options));
    }

    /**
     * @param name provider name
     * @return the factory with default options
     */
    public static SimilarityFactory factory(String name) {
        return factory(name, Map.of());
    }

    /**
     * @param name provider name
     * @param headDim query/key size per head
     * @param heads number of heads
     * @param rng generator for parameters
     * @return a FLOAT32 similarity with default options
     */
    public static Similarity create(String name, int headDim, int heads, Rng rng) {
        return factory(name).create(new SimilarityContext(headDim, heads, DType.FLOAT32, rng));
    }
}
