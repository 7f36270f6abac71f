package dev.heed.testkit.positional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.plugin.PluginRegistry;
import dev.heed.positional.Positionals;
import dev.heed.positional.spi.PositionalDims;
import dev.heed.positional.spi.PositionalProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apiguardian.api.API;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Conformance suite for positional schemes: extend it in a test class and every
 * {@link PositionalProvider} that {@link java.util.ServiceLoader} finds on the test class path runs
 * through {@link PositionalConformance}'s checks (shapes, KV-cache offsets, determinism, float64
 * gradient check, state round trip, length limit).
 *
 * <pre>{@code
 * class MySchemeConformanceTest extends PositionalConformanceSuite {
 *     @Override protected boolean includes(PositionalProvider p) { return p.name().equals("my-scheme"); }
 *     @Override protected List<Map<String, ?>> optionSets(PositionalProvider p) {
 *         return List.of(Map.of(), Map.of("base", 500.0));
 *     }
 * }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public abstract class PositionalConformanceSuite {

    /** For subclasses. */
    protected PositionalConformanceSuite() {}

    /**
     * @param provider a provider found on the class path
     * @return whether to check it (all by default; a plugin's tests usually select their own)
     */
    protected boolean includes(PositionalProvider provider) {
        return true;
    }

    /**
     * @param provider an included provider
     * @return the option sets to check it with; by default only the defaults ({@code Map.of()})
     */
    protected List<Map<String, ?>> optionSets(PositionalProvider provider) {
        return List.of(Map.of());
    }

    /**
     * @param provider an included provider
     * @return the model dimensions to check it at
     */
    protected PositionalDims dims(PositionalProvider provider) {
        return PositionalConformance.DEFAULT_DIMS;
    }

    /** @return the registry searched (every provider visible to the context class loader) */
    protected PluginRegistry<PositionalProvider> registry() {
        return Positionals.registry();
    }

    /** Every included provider and option set, as a container of checks. */
    @TestFactory
    Stream<DynamicNode> positionalConformance() {
        PluginRegistry<PositionalProvider> reg = registry();
        List<DynamicNode> nodes = new ArrayList<>();
        for (PositionalProvider p : reg.providers()) {
            if (!includes(p)) {
                continue;
            }
            for (Map<String, ?> opts : optionSets(p)) {
                nodes.add(DynamicContainer.dynamicContainer(p.name() + " " + opts,
                        PositionalConformance.tests(p, opts, dims(p)).stream()));
            }
        }
        return nodes.stream();
    }

    /** The class path holds at least one included provider and none failed to load. */
    @Test
    void providersLoad() {
        PluginRegistry<PositionalProvider> reg = registry();
        assertTrue(reg.failures().isEmpty(), "positional providers failed to load: " + reg.failures());
        assertFalse(reg.providers().stream().noneMatch(this::includes),
                "no included positional provider on the class path; found " + reg.names());
    }
}
