package dev.heed.positional;

import dev.heed.core.Rng;
import dev.heed.core.plugin.PluginRegistry;
import dev.heed.core.spi.Options;
import dev.heed.positional.spi.PositionalDims;
import dev.heed.positional.spi.PositionalProvider;
import dev.heed.positional.spi.PositionalScheme;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Entry point for positional schemes: find providers by name and create schemes for a model.
 *
 * <pre>{@code
 * PositionalScheme pos = Positionals.create("relative-key", Map.of("maxDistance", 8),
 *         PositionalDims.of(128, 4, 2), Rng.seeded(0));
 * Tensor x = pos.embed(tokens, 0);                       // no-op for relative schemes
 * Tensor s = pos.addScoreTerm(layer, q.matmul(k.mT()).div(Math.sqrt(dh)), q, 0, 0);
 * }</pre>
 *
 * <p>Built-in names: {@code none}, {@code sinusoidal}, {@code learned}, {@code relative-key},
 * {@code relative-bias}; plugins on the class path add more (e.g. {@code rope}, {@code alibi}).
 * Stateless and thread-safe; every call to {@link #registry()} scans the class path afresh.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Positionals {

    private Positionals() {}

    /**
     * @return every positional provider visible to the thread's context class loader (built-ins
     *     and plugins on the class path)
     */
    public static PluginRegistry<PositionalProvider> registry() {
        return PluginRegistry.load(PositionalProvider.class);
    }

    /**
     * Creates a scheme by name with options.
     *
     * @param name provider name, e.g. {@code "sinusoidal"}
     * @param options option values by name (missing ones take their defaults); not null
     * @param dims the model's dimensions
     * @param rng generator for initial parameter values
     * @return a new scheme
     * @throws dev.heed.core.plugin.UnknownPluginException if no provider has that name (the message lists them)
     * @throws dev.heed.core.spi.InvalidOptionException on a bad option value
     * @throws IllegalArgumentException if the scheme cannot serve {@code dims}
     */
    public static PositionalScheme create(String name, Map<String, ?> options, PositionalDims dims, Rng rng) {
        return create(registry(), name, options, dims, rng);
    }

    /**
     * Creates a scheme by name from a given registry (e.g. one loaded from a plugin class loader).
     *
     * @param registry the providers to choose from
     * @param name provider name
     * @param options option values by name
     * @param dims the model's dimensions
     * @param rng generator for initial parameter values
     * @return a new scheme
     */
    public static PositionalScheme create(PluginRegistry<PositionalProvider> registry, String name,
            Map<String, ?> options, PositionalDims dims, Rng rng) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(options, "options");
        PositionalProvider p = registry.get(name);
        return create(p, Options.of(p, options), dims, rng);
    }

    /**
     * Creates a scheme from a provider and validated options.
     *
     * @param provider the provider
     * @param options options validated for it
     * @param dims the model's dimensions
     * @param rng generator for initial parameter values
     * @return a new scheme
     */
    public static PositionalScheme create(PositionalProvider provider, Options options, PositionalDims dims, Rng rng) {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(dims, "dims");
        Objects.requireNonNull(rng, "rng");
        PositionalScheme s = provider.create(options).create(dims, rng);
        if (s == null) {
            throw new IllegalStateException("positional provider '" + provider.name() + "' (" + provider.getClass().getName()
                    + ") returned a null scheme; this is a bug in the provider");
        }
        return s;
    }
}
