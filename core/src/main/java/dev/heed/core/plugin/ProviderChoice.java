package dev.heed.core.plugin;

import dev.heed.core.spi.Options;
import dev.heed.core.spi.PluginProvider;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A provider selected in a stack spec together with its validated options.
 *
 * <pre>{@code
 * ProviderChoice<SimilarityProvider> c = spec.provider("similarity", SimilarityProvider.class);
 * Similarity s = c.provider().create(c.options());
 * }</pre>
 *
 * @param path the JSON path of the reference, e.g. {@code $.attention.similarity}
 * @param provider the selected provider
 * @param options its validated options, defaults filled in
 * @param <P> the provider interface
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record ProviderChoice<P extends PluginProvider<?>>(String path, P provider, Options options) {

    /** Checks the components are non-null. */
    public ProviderChoice {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(options, "options");
    }

    /** @return the selected provider's name */
    public String name() {
        return provider.name();
    }
}
