package dev.heed.plugin.general;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.heed.attention.Similarities;
import dev.heed.attention.spi.Similarity;
import dev.heed.attention.spi.SimilarityContext;
import dev.heed.attention.spi.SimilarityProvider;
import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.plugin.PluginRegistry;
import dev.heed.core.spi.InvalidOptionException;
import dev.heed.core.spi.Options;
import dev.heed.testkit.arch.HeedArchitecture;
import dev.heed.testkit.arch.PluginRules;
import dev.heed.testkit.attention.SimilarityConformanceSuite;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeneralPluginTest extends SimilarityConformanceSuite {

    @Override
    protected boolean includes(SimilarityProvider p) {
        return p.name().equals("general");
    }

    @Override
    protected List<Map<String, ?>> optionSets(SimilarityProvider p) {
        return List.of(Map.of(), Map.of("scaled", false, "init", 0.5));
    }

    @Test
    void isDiscoveredAndValidatesOptions() {
        PluginRegistry<SimilarityProvider> sims = PluginRegistry.load(SimilarityProvider.class);
        assertTrue(sims.failures().isEmpty(), sims.failures().toString());
        SimilarityProvider p = sims.get("general");
        assertThrows(InvalidOptionException.class, () -> Options.of(p, Map.of("init", -1.0)));
    }

    @Test
    void scoresMatchAHandComputedBilinearForm() {
        Similarity s = Similarities.factory("general", Map.of("scaled", false))
                .create(new SimilarityContext(2, 1, DType.FLOAT64, Rng.seeded(1)));
        s.module().loadStateDict(Map.of("w", Tensor.of(new double[] {1, 2, 0, 3}, 2, 2)));
        // q = (1, 1): q W = (1, 5); k rows (2, 1), (0, -1) -> 7, -5
        Tensor q = Tensor.of(new double[] {1, 1}, 1, 2);
        Tensor k = Tensor.of(new double[] {2, 1, 0, -1}, 2, 2);
        assertArrayEquals(new double[] {7, -5}, s.score(q, k).toDoubleArray(), 1e-12);
    }

    @Test
    void followsHeedsPluginRules() {
        JavaClasses mine = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.heed.plugin.general");
        HeedArchitecture.checkAll(PluginRules.all("dev.heed.plugin.general.."), mine);
    }
}
