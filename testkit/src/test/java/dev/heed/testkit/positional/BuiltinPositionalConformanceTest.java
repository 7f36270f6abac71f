package dev.heed.testkit.positional;

import dev.heed.positional.spi.PositionalProvider;
import java.util.List;
import java.util.Map;

/** Heed's built-in positional schemes pass the same conformance suite as plugins, with their main option variants. */
class BuiltinPositionalConformanceTest extends PositionalConformanceSuite {

    @Override
    protected List<Map<String, ?>> optionSets(PositionalProvider p) {
        switch (p.name()) {
            case "learned":
                return List.of(Map.of(), Map.of("maxLength", 8));
            case "relative-key":
                return List.of(Map.of(), Map.of("maxDistance", 2, "share", "per-layer", "valueTerm", true));
            case "relative-bias":
                return List.of(Map.of("maxDistance", 2),
                        Map.of("buckets", "t5", "numBuckets", 8, "maxDistance", 5, "share", "per-layer"),
                        Map.of("buckets", "t5", "numBuckets", 6, "maxDistance", 4, "bidirectional", false));
            default:
                return List.of(Map.of());
        }
    }
}
