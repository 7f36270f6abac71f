package com.example.heed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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

/** Runs Heed's similarity conformance suite and plugin rules on this plugin, plus its own checks. */
class SqEuclideanProviderTest extends SimilarityConformanceSuite {

    @Override
    protected boolean includes(SimilarityProvider p) {
        return p.name().equals("sq-euclidean");
    }

    @Override
    protected List<Map<String, ?>> optionSets(SimilarityProvider p) {
        return List.of(Map.of(), Map.of("scale", 0.25));
    }

    @Test
    void isDiscoveredAndValidatesOptions() {
        PluginRegistry<SimilarityProvider> sims = PluginRegistry.load(SimilarityProvider.class);
        assertTrue(sims.failures().isEmpty(), sims.failures().toString());
        SimilarityProvider p = sims.get("sq-euclidean");
        assertEquals(SqEuclideanProvider.class, p.getClass());
        InvalidOptionException e = assertThrows(InvalidOptionException.class,
                () -> Options.of(p, Map.of("scale", 0.0)));
        assertTrue(e.getMessage().contains("scale"), e.getMessage());
    }

    @Test
    void scoresAreMinusScaledSquaredDistances() {
        SimilarityProvider p = new SqEuclideanProvider();
        Similarity s = p.create(Options.of(p, Map.of("scale", 0.5)))
                .create(new SimilarityContext(2, 1, DType.FLOAT64, Rng.seeded(1)));
        Tensor q = Tensor.of(new double[] {1, 2}, 1, 2);
        Tensor k = Tensor.of(new double[] {1, 2, 4, -2, 0, 0}, 3, 2);
        // |q-k|^2 by hand: (0,0) -> 0; (-3,4) -> 25; (1,2) -> 5; times -0.5
        assertArrayEquals(new double[] {0, -12.5, -2.5}, s.score(q, k).toDoubleArray(), 1e-12);
    }

    @Test
    void followsHeedsPluginRules() {
        JavaClasses mine = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("com.example.heed");
        HeedArchitecture.checkAll(PluginRules.all("com.example.heed.."), mine);
    }
}
