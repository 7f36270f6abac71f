package dev.heed.testkit.attention;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.plugin.PluginRegistry;
import dev.heed.attention.Similarities;
import dev.heed.attention.spi.SimilarityProvider;
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
 * Conformance suite for similarity functions: extend it in a test class and every
 * {@link SimilarityProvider} that {@link java.util.ServiceLoader} finds on the test class path runs
 * through {@link SimilarityConformance}'s checks (shapes, masks, determinism, first- and
 * second-order float64 gradient checks, state round trip).
 *
 * <pre>{@code
 * class MySchemeConformanceTest extends SimilarityConformanceSuite {
 *     @Override protected boolean includes(SimilarityProvider p) { return p.name().equals("tempered-dot"); }
 *     @Override protected List<Map<String, ?>> optionSets(SimilarityProvider p) {
 *         return List.of(Map.of(), Map.of("temperature", 0.5));
 *     }
 * }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public abstract class SimilarityConformanceSuite {

    /** For subclasses. */
    protected SimilarityConformanceSuite() {}

    /**
     * @param provider a provider found on the class path
     * @return whether to check it (all by default; a plugin's tests usually select their own)
     */
    protected boolean includes(SimilarityProvider provider) {
        return true;
    }

    /**
     * @param provider an included provider
     * @return the option sets to check it with; by default only the defaults ({@code Map.of()})
     */
    protected List<Map<String, ?>> optionSets(SimilarityProvider provider) {
        return List.of(Map.of());
    }

    /**
     * @param provider an included provider
     * @return the head size d to check it at
     */
    protected int headDim(SimilarityProvider provider) {
        return SimilarityConformance.DEFAULT_HEAD_DIM;
    }

    /** @return the registry searched (every provider visible to the context class loader) */
    protected PluginRegistry<SimilarityProvider> registry() {
        return Similarities.registry();
    }

    /** Every included provider and option set, as a container of checks. */
    @TestFactory
    Stream<DynamicNode> similarityConformance() {
        PluginRegistry<SimilarityProvider> reg = registry();
        List<DynamicNode> nodes = new ArrayList<>();
        for (SimilarityProvider p : reg.providers()) {
            if (!includes(p)) {
                continue;
            }
            for (Map<String, ?> opts : optionSets(p)) {
                nodes.add(DynamicContainer.dynamicContainer(p.name() + " " + opts,
                        SimilarityConformance.tests(p, opts, headDim(p)).stream()));
            }
        }
        return nodes.stream();
    }

    /** The class path holds at least one included provider and none failed to load. */
    @Test
    void providersLoad() {
        PluginRegistry<SimilarityProvider> reg = registry();
        assertTrue(reg.failures().isEmpty(), "similarity providers failed to load: " + reg.failures());
        assertFalse(reg.providers().stream().noneMatch(this::includes),
                "no included similarity provider on the class path; found " + reg.names());
    }
}
