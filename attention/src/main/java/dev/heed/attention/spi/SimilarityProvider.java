package dev.heed.attention.spi;

import dev.heed.core.spi.PluginProvider;
import org.apiguardian.api.API;

/**
 * The plugin kind for similarity functions. Implementations are listed in
 * {@code META-INF/services/dev.heed.attention.spi.SimilarityProvider} and found by
 * {@link dev.heed.core.plugin.PluginRegistry}; Heed's built-ins ({@code dot}, {@code scaled-dot},
 * {@code cosine}, {@code additive}) are registered the same way. See {@link PluginProvider} for the
 * contract shared by every kind (public no-argument constructor, stable kebab-case name,
 * thread-safe, declared options).
 *
 * <pre>{@code
 * public final class TemperedDotProvider implements SimilarityProvider {
 *     public String name() { return "tempered-dot"; }
 *     public String description() { return "dot product divided by a temperature"; }
 *     public List<OptionSpec> options() {
 *         return List.of(OptionSpec.ofDouble("temperature", 1.0, "divides every score").greaterThan(0));
 *     }
 *     public SimilarityFactory create(Options o) {
 *         double t = o.getDouble("temperature");
 *         return ctx -> new TemperedDot(t);
 *     }
 * }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface SimilarityProvider extends PluginProvider<SimilarityFactory> {
}
