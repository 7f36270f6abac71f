package dev.heed.testkit.attention;

import dev.heed.attention.spi.SimilarityProvider;
import java.util.List;
import java.util.Map;

/** Heed's built-in similarities pass the same conformance suite as plugins, with their option variants. */
class BuiltinSimilarityConformanceTest extends SimilarityConformanceSuite {

    @Override
    protected List<Map<String, ?>> optionSets(SimilarityProvider p) {
        switch (p.name()) {
            case "cosine":
                return List.of(Map.of(), Map.of("learnScale", false, "scale", 2.0));
            case "additive":
                return List.of(Map.of(), Map.of("hidden", 3));
            default:
                return List.of(Map.of());
        }
    }
}
