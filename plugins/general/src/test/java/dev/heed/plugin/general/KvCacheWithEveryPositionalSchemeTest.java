package dev.heed.plugin.general;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.attention.AttentionMask;
import dev.heed.attention.KVCache;
import dev.heed.attention.MultiHeadAttention;
import dev.heed.attention.Similarities;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.positional.Positionals;
import dev.heed.positional.spi.PositionalDims;
import dev.heed.positional.spi.PositionalScheme;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Incremental decoding with a KV cache equals the full-sequence pass for every positional scheme
 * on the class path (built-ins plus the rope and alibi plugins) and every similarity (built-ins
 * plus general), through the public API only.
 */
class KvCacheWithEveryPositionalSchemeTest {

    @Test
    void stepByStepEqualsFullSequence() {
        Set<String> schemes = Positionals.registry().usableNames();
        assertTrue(schemes.containsAll(Set.of("rope", "alibi")), schemes.toString());
        for (String pos : schemes) {
            for (String sim : Similarities.registry().usableNames()) {
                PositionalScheme scheme = Positionals.create(pos, Map.of(), PositionalDims.of(8, 2, 1), Rng.seeded(4));
                MultiHeadAttention mha = MultiHeadAttention.builder(8, 2).similarity(Similarities.factory(sim))
                        .positional(scheme, 0).build(Rng.seeded(9));
                mha.eval();
                Tensor x = Tensor.randn(Rng.seeded(10), 2, 6, 8);
                try (NoGrad ignored = NoGrad.enter()) {
                    float[] full = mha.forward(scheme.embed(x, 0), AttentionMask.causal()).toFloatArray();
                    KVCache cache = mha.newCache();
                    float[] steps = new float[full.length];
                    int[][] chunks = {{0, 2}, {2, 1}, {3, 1}, {4, 2}};
                    for (int[] c : chunks) {
                        Tensor part = scheme.embed(x.narrow(1, c[0], c[1]), c[0]);
                        float[] y = mha.forward(part, AttentionMask.causal(), cache).toFloatArray();
                        for (int b = 0; b < 2; b++) {
                            System.arraycopy(y, b * c[1] * 8, steps, (b * 6 + c[0]) * 8, c[1] * 8);
                        }
                    }
                    assertEquals(6, cache.length());
                    assertArrayEquals(full, steps, 2e-5f, pos + " / " + sim);
                }
            }
        }
    }
}
