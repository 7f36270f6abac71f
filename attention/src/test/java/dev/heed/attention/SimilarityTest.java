package dev.heed.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.attention.internal.AdditiveSimilarity;
import dev.heed.attention.spi.Similarity;
import dev.heed.attention.spi.SimilarityContext;
import dev.heed.attention.spi.SimilarityProvider;
import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.plugin.PluginRegistry;
import dev.heed.core.plugin.UnknownPluginException;
import dev.heed.core.spi.InvalidOptionException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimilarityTest {

    private static final Tensor Q = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
    private static final Tensor K = Tensor.of(new double[] {5, 6, 0, 1, 1, -1}, 3, 2);

    private static Similarity make(String name, Map<String, ?> opts) {
        return Similarities.factory(name, opts).create(new SimilarityContext(2, 1, DType.FLOAT64, Rng.seeded(1)));
    }

    @Test
    void builtInsAreRegisteredLikePlugins() {
        PluginRegistry<SimilarityProvider> r = Similarities.registry();
        assertTrue(r.failures().isEmpty(), r.failures().toString());
        assertTrue(r.names().containsAll(java.util.List.of("dot", "scaled-dot", "cosine", "additive")), r.names().toString());
        UnknownPluginException e = assertThrows(UnknownPluginException.class, () -> Similarities.factory("scaled-dott"));
        assertTrue(e.getMessage().contains("scaled-dot"), e.getMessage());
        assertThrows(InvalidOptionException.class, () -> Similarities.factory("cosine", Map.of("eps", 0.0)));
    }

    @Test
    void dotAndScaledDotMatchHandValues() {
        double[] dot = {17, 2, -1, 39, 4, -1};
        assertArrayEquals(dot, make("dot", Map.of()).score(Q, K).toDoubleArray(), 1e-12);
        double r = Math.sqrt(2);
        double[] scaled = {17 / r, 2 / r, -1 / r, 39 / r, 4 / r, -1 / r};
        assertArrayEquals(scaled, make("scaled-dot", Map.of()).score(Q, K).toDoubleArray(), 1e-12);
        assertEquals(1 / r, make("scaled-dot", Map.of()).dotProductScale().getAsDouble(), 1e-15);
    }

    @Test
    void cosineMatchesHandValuesAndDefaultsToSqrtDk() {
        double[] cos = {0.973417168333576, 0.8944271909999159, -0.31622776601683794,
            0.9986876634765887, 0.8, -0.1414213562373095};
        Similarity fixed = make("cosine", Map.of("scale", 1.0, "learnScale", false, "eps", 1e-12));
        assertArrayEquals(cos, fixed.score(Q, K).toDoubleArray(), 1e-9);
        assertTrue(fixed.module().parameters().isEmpty());
        Similarity learned = make("cosine", Map.of("eps", 1e-12));
        double[] s = learned.score(Q, K).toDoubleArray();
        for (int i = 0; i < cos.length; i++) {
            assertEquals(cos[i] * Math.sqrt(2), s[i], 1e-9);
        }
        assertEquals(1, learned.module().parameters().size());
        // a zero vector gives finite (zero) scores thanks to eps
        Tensor z = Tensor.zeros(DType.FLOAT64, 1, 2);
        assertArrayEquals(new double[] {0, 0, 0}, learned.score(z, K).toDoubleArray(), 0);
    }

    @Test
    void additiveMatchesHandValues() {
        Similarity add = make("additive", Map.of("hidden", 2));
        add.module().loadStateDict(Map.of(
                "wq", Tensor.of(new double[] {1, 0, 0, 1}, 2, 2),
                "wk", Tensor.of(new double[] {2, 0, 0, 1}, 2, 2),
                "b", Tensor.of(new double[] {0.1, -0.1}, 2),
                "v", Tensor.of(new double[] {1, -2}, 2)));
        Tensor q = Tensor.of(new double[] {0.5, -0.5, 1, 0}, 2, 2);
        Tensor k = Tensor.of(new double[] {0.1, 0.2, -1, 0.5}, 2, 2);
        assertArrayEquals(new double[] {1.4239346947782987, -0.686015658952351, 0.6623871700633948, -1.4761957947094744},
                add.score(q, k).toDoubleArray(), 1e-12);
    }

    @Test
    void additiveChunksGiveTheSameScoresAndGradients() {
        Rng rng = Rng.seeded(3);
        AdditiveSimilarity whole = new AdditiveSimilarity(4, 3, DType.FLOAT64, Rng.seeded(9), 1L << 30);
        AdditiveSimilarity chunked = new AdditiveSimilarity(4, 3, DType.FLOAT64, Rng.seeded(9), 2 * 5 * 3 * 2);
        Tensor q = Tensor.randn(rng, DType.FLOAT64, 2, 7, 4).requiresGrad(true);
        Tensor k = Tensor.randn(rng, DType.FLOAT64, 2, 5, 4);
        Tensor a = whole.score(q, k);
        Tensor b = chunked.score(q, k);
        assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), 1e-12);
        Tensor ga = dev.heed.core.Autograd.grad(a.mul(a).sum(), q)[0];
        Tensor gb = dev.heed.core.Autograd.grad(b.mul(b).sum(), q)[0];
        assertArrayEquals(ga.toDoubleArray(), gb.toDoubleArray(), 1e-12);
    }

    @Test
    void mismatchedShapesAreExplained() {
        Similarity dot = make("dot", Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dot.score(Q, Tensor.zeros(DType.FLOAT64, 3, 4)));
        assertTrue(e.getMessage().contains("last (feature) dimension"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> dot.score(Q, Tensor.zeros(3, 2)));
    }
}
