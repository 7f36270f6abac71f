package dev.heed.core.spi;

import java.util.List;
import org.apiguardian.api.API;

/**
 * The contract every Heed plugin kind shares: a named, described, configurable factory.
 *
 * <p>Each SPI (similarity functions, positional schemes, policy optimizers, ...) is an interface
 * extending this one with its product type, e.g.
 * {@code interface SimilarityProvider extends PluginProvider<Similarity>}. Implementations are found
 * with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/<fully qualified SPI interface name>}.
 *
 * <p>Implementations must:
 * <ul>
 *   <li>have a public no-argument constructor (ServiceLoader and Guice construct them; Guice may
 *       then inject {@code @Inject} fields and methods, see {@link PluginModule});
 *   <li>return a stable kebab-case {@link #name()} ({@code [a-z0-9]+(-[a-z0-9]+)*}) that never
 *       changes between releases, since stack specs and saved models refer to it;
 *   <li>be thread-safe: {@link #create} may be called concurrently.
 * </ul>
 *
 * <pre>{@code
 * public final class CosineProvider implements SimilarityProvider {
 *     public String name() { return "cosine"; }
 *     public String description() { return "cosine of the angle between q and k, times a scale"; }
 *     public List<OptionSpec> options() {
 *         return List.of(OptionSpec.ofDouble("scale", 1.0, "factor applied to the cosine").greaterThan(0));
 *     }
 *     public Similarity create(Options o) { return new Cosine(o.getDouble("scale")); }
 * }
 * }</pre>
 *
 * @param <T> what the provider creates
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface PluginProvider<T> {

    /** @return the stable kebab-case name users select this provider by, e.g. {@code "scaled-dot"} */
    String name();

    /** @return one line saying what the provider does, shown by {@code heed plugins} */
    String description();

    /**
     * The options this provider accepts. Names are camelCase and unique. The list must be the same
     * on every call.
     *
     * @return the declared options, empty by default
     */
    default List<OptionSpec> options() {
        return List.of();
    }

    /**
     * Creates a configured instance.
     *
     * @param options values already validated against {@link #options()}, defaults filled in
     * @return a new instance, never null
     * @throws IllegalArgumentException if the combination of options is invalid (name the options)
     */
    T create(Options options);
}
