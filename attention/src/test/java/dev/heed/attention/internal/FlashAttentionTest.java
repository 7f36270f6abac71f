package dev.heed.attention.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.attention.Attention;
import dev.heed.attention.AttentionMask;
import dev.heed.attention.AttentionOutput;
import dev.heed.attention.Similarities;
import dev.heed.core.Autograd;
import dev.heed.core.DType;
import dev.heed.core.GradCheck;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.positional.Positionals;
import dev.heed.positional.spi.PositionalDims;
import dev.heed.positional.spi.PositionalScheme;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlashAttentionTest {

    private static final int B = 3;
    private static final int H = 2;
    private static final int TQ = 29;
    private static final int TK = 41;
    private static final int D = 5;
    private static final int DV = 3;
    /** The second sequence sees no key at all: its rows must be zeros with zero gradients. */
    private static final int[] LENGTHS = {33, 0, 41};

    private static FlashAttention.BiasSource source(PositionalScheme scheme, DType dt, int queryOffset) {
        return new FlashAttention.BiasSource() {
            @Override
            public Tensor block(int q0, int rows, int keys) {
                return scheme.scoreBias(0, dt, queryOffset + q0, rows, 0, keys);
            }

            @Override
            public List<Tensor> parameters() {
                return scheme.parameters();
            }
        };
    }

    /**
     * Blocked (tiles 4 x 6, bias chunks of a few rows: nothing divides the sizes) against the
     * plain path with causal + key lengths + a trainable relative-bias table: outputs, input
     * gradients and the table's gradient.
     */
    private static void compareWithPlain(DType dt, double tolOut, double tolGrad) {
        PositionalScheme scheme = Positionals.create("relative-bias", Map.of("initStd", 1.0, "maxDistance", 9),
                PositionalDims.of(D * H, H, 1), Rng.seeded(3));
        scheme.to(dt);
        Rng rng = Rng.seeded(21);
        Tensor q = Tensor.randn(rng, dt, B, H, TQ, D).requiresGrad(true);
        Tensor k = Tensor.randn(rng, dt, B, H, TK, D).requiresGrad(true);
        Tensor v = Tensor.randn(rng, dt, B, H, TK, DV).requiresGrad(true);
        Tensor dO = Tensor.randn(rng, dt, B, H, TQ, DV);
        Tensor table = scheme.parameters().get(0);
        int offset = 12;
        AttentionMask mask = AttentionMask.causal().and(AttentionMask.keyLengths(LENGTHS));
        AttentionOutput plain = Attention.attend(q, k, v, Similarities.create("scaled-dot", D, H, Rng.seeded(0)), mask,
                scheme, 0, offset, 0, null, false, false);
        Tensor[] gp = Autograd.grad(plain.output().mul(dO).sum(), q, k, v, table);
        // bias chunks of H * 5 * TK elements: 5 query rows per chunk
        Tensor out = new FlashAttention(1 / Math.sqrt(D), true, LENGTHS, source(scheme, dt, offset), 4, 6,
                (long) H * TK * 5).apply(q, k, v);
        Tensor[] gb = Autograd.grad(out.mul(dO).sum(), q, k, v, table);
        double[] o = out.toDoubleArray();
        assertArrayEquals(plain.output().toDoubleArray(), o, tolOut);
        String[] names = {"dq", "dk", "dv", "dtable"};
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(gp[i].toDoubleArray(), gb[i].toDoubleArray(), tolGrad, names[i]);
        }
        // the fully masked sequence: zero output and zero gradient, no NaN
        double[] dq = gb[0].toDoubleArray();
        for (int i = H * TQ * DV; i < 2 * H * TQ * DV; i++) {
            assertEquals(0.0, o[i], 0.0);
        }
        for (int i = H * TQ * D; i < 2 * H * TQ * D; i++) {
            assertEquals(0.0, dq[i], 0.0);
        }
        for (double x : o) {
            assertTrue(Double.isFinite(x));
        }
        // the table really receives gradient (not a vacuous zero match)
        assertTrue(gb[3].abs().sum().item() > 1e-3);
    }

    @Test
    void float64MatchesThePlainPathWithCausalPaddingBiasAndMaskedRows() {
        compareWithPlain(DType.FLOAT64, 1e-12, 1e-11);
    }

    @Test
    void float32MatchesThePlainPathWithCausalPaddingBiasAndMaskedRows() {
        compareWithPlain(DType.FLOAT32, 2e-6, 2e-5);
    }

    /**
     * Short causal sequences under the default tiling run on narrow key tiles whose products skip
     * the rows that see none of their keys: square (T = 45: tiles of 32 and 13 keys) and with more
     * keys than queries (20 cached keys: the second tile starts at query row 12), float64 and float32.
     */
    @Test
    void shortCausalSequencesOnNarrowKeyTilesAgreeWithThePlainPath() {
        int[][] sizes = {{45, 45}, {40, 60}};
        for (int[] t : sizes) {
            for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
                double tol = dt == DType.FLOAT64 ? 1e-11 : 2e-5;
                Rng rng = Rng.seeded(23);
                Tensor q = Tensor.randn(rng, dt, 2, 3, t[0], 8).requiresGrad(true);
                Tensor k = Tensor.randn(rng, dt, 2, 3, t[1], 8).requiresGrad(true);
                Tensor v = Tensor.randn(rng, dt, 2, 3, t[1], 4).requiresGrad(true);
                Tensor dO = Tensor.randn(rng, dt, 2, 3, t[0], 4);
                AttentionOutput plain = Attention.attend(q, k, v, Similarities.create("scaled-dot", 8, 3, Rng.seeded(0)),
                        AttentionMask.causal(), null, 0, 0, 0, null, false, false);
                Tensor out = new FlashAttention(1 / Math.sqrt(8), true, null, null).apply(q, k, v);
                assertArrayEquals(plain.output().toDoubleArray(), out.toDoubleArray(), tol, dt + " " + t[0] + "x" + t[1]);
                Tensor[] gp = Autograd.grad(plain.output().mul(dO).sum(), q, k, v);
                Tensor[] gb = Autograd.grad(out.mul(dO).sum(), q, k, v);
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(gp[i].toDoubleArray(), gb[i].toDoubleArray(), tol, dt + " grad " + i);
                }
            }
        }
    }

    /**
     * Float32 calls of at most {@link FlashAttention#SHORT_ROWS} queries and keys take whole score
     * blocks with the weights kept (one sequence sees no key, another only some); one query row more
     * goes back to the tiles. Both against the plain path, with and without the causal mask.
     */
    @Test
    void float32ShortPathAgreesWithThePlainPath() {
        int[][] sizes = {{29, 41}, {7, 7}, {FlashAttention.SHORT_ROWS, FlashAttention.SHORT_ROWS},
            {FlashAttention.SHORT_ROWS + 1, FlashAttention.SHORT_ROWS + 1}};
        for (int[] t : sizes) {
            int[] lengths = {t[1] - 5, 0, t[1]};
            for (boolean causal : new boolean[] {true, false}) {
                Rng rng = Rng.seeded(24);
                Tensor q = Tensor.randn(rng, DType.FLOAT32, 3, 2, t[0], 8).requiresGrad(true);
                Tensor k = Tensor.randn(rng, DType.FLOAT32, 3, 2, t[1], 8).requiresGrad(true);
                Tensor v = Tensor.randn(rng, DType.FLOAT32, 3, 2, t[1], 4).requiresGrad(true);
                Tensor dO = Tensor.randn(rng, DType.FLOAT32, 3, 2, t[0], 4);
                AttentionMask mask = causal ? AttentionMask.causal().and(AttentionMask.keyLengths(lengths))
                        : AttentionMask.keyLengths(lengths);
                AttentionOutput plain = Attention.attend(q, k, v, Similarities.create("scaled-dot", 8, 2, Rng.seeded(0)),
                        mask, null, 0, 0, 0, null, false, false);
                Tensor out = new FlashAttention(1 / Math.sqrt(8), causal, lengths, null).apply(q, k, v);
                String what = t[0] + "x" + t[1] + (causal ? " causal" : "");
                assertArrayEquals(plain.output().toDoubleArray(), out.toDoubleArray(), 2e-6, what);
                Tensor[] gp = Autograd.grad(plain.output().mul(dO).sum(), q, k, v);
                Tensor[] gb = Autograd.grad(out.mul(dO).sum(), q, k, v);
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(gp[i].toDoubleArray(), gb[i].toDoubleArray(), 2e-5, what + " grad " + i);
                }
                double[] o = out.toDoubleArray();
                for (int i = 2 * t[0] * 4; i < 4 * t[0] * 4; i++) {
                    assertEquals(0.0, o[i], 0.0, "the sequence without keys gives zeros");
                }
            }
        }
    }

    @Test
    void theShortPathIsBoundedInLengthAndInKeptWeights() {
        int t = FlashAttention.SHORT_ROWS;
        assertTrue(FlashAttention.shortPathFits(2, 4, t, t));
        assertFalse(FlashAttention.shortPathFits(2, 4, t + 1, t));
        assertFalse(FlashAttention.shortPathFits(2, 4, 1, t + 1));
        // 2048 sequence-heads of 128 x 128 are exactly 2^25 weights: they fit, one more does not
        assertTrue(FlashAttention.shortPathFits(2048, 1, t, t));
        assertFalse(FlashAttention.shortPathFits(2049, 1, t, t));
        assertFalse(FlashAttention.shortPathFits(1 << 20, 1 << 12, 64, 64), "no int overflow in the product");
    }

    @Test
    void noMaskAndLargeTilesAgreeWithThePlainPath() {
        Rng rng = Rng.seeded(22);
        Tensor q = Tensor.randn(rng, DType.FLOAT64, 2, 3, 17, 8).requiresGrad(true);
        Tensor k = Tensor.randn(rng, DType.FLOAT64, 2, 3, 23, 8).requiresGrad(true);
        Tensor v = Tensor.randn(rng, DType.FLOAT64, 2, 3, 23, 4).requiresGrad(true);
        Tensor dO = Tensor.randn(rng, DType.FLOAT64, 2, 3, 17, 4);
        AttentionOutput plain = Attention.attend(q, k, v, Similarities.create("dot", 8, 3, Rng.seeded(0)),
                AttentionMask.none(), null, 0, 0, 0, null, false, false);
        AttentionOutput blocked = Attention.attend(q, k, v, Similarities.create("dot", 8, 3, Rng.seeded(0)),
                AttentionMask.none());
        assertTrue(blocked.blocked());
        assertArrayEquals(plain.output().toDoubleArray(), blocked.output().toDoubleArray(), 1e-12);
        Tensor[] gp = Autograd.grad(plain.output().mul(dO).sum(), q, k, v);
        Tensor[] gb = Autograd.grad(blocked.output().mul(dO).sum(), q, k, v);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(gp[i].toDoubleArray(), gb[i].toDoubleArray(), 1e-11);
        }
    }

    /** A bias table {@code [H, 5]} indexed by the clipped relative distance, as an explicit input. */
    private static FlashAttention.BiasSource tableBias(Tensor table) {
        return new FlashAttention.BiasSource() {
            @Override
            public Tensor block(int q0, int rows, int keys) {
                long[] idx = new long[rows * keys];
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < keys; j++) {
                        idx[i * keys + j] = Math.max(0, Math.min(4, j - (q0 + i) + 2));
                    }
                }
                return table.indexSelect(1, Tensor.of(idx)).reshape(table.size(0), rows, keys);
            }

            @Override
            public List<Tensor> parameters() {
                return List.of(table);
            }
        };
    }

    @Test
    void gradientsMatchFiniteDifferencesInFloat64() {
        Rng rng = Rng.seeded(23);
        Tensor q = Tensor.randn(rng, DType.FLOAT64, 2, 2, 5, 3).requiresGrad(true);
        Tensor k = Tensor.randn(rng, DType.FLOAT64, 2, 2, 7, 3).requiresGrad(true);
        Tensor v = Tensor.randn(rng, DType.FLOAT64, 2, 2, 7, 2).requiresGrad(true);
        Tensor table = Tensor.randn(rng, DType.FLOAT64, 2, 5).requiresGrad(true);
        assertTrue(GradCheck.gradcheck(in -> new FlashAttention(0.7, true, new int[] {4, 7}, tableBias(in[3]), 2, 3,
                2 * 7 * 2).apply(in[0], in[1], in[2]), q, k, v, table));
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new FlashAttention(1, false, null, null, 0, 8, 1));
        Tensor x = Tensor.zeros(1, 1, 4, 2);
        Tensor y = Tensor.zeros(1, 1, 3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FlashAttention(1, true, null, null).apply(x, y, y));
        assertTrue(e.getMessage().contains("Tq <= Tk"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new FlashAttention(1, false, new int[] {1, 2}, null).apply(x, x, x));
        assertTrue(e.getMessage().contains("batch has 1"), e.getMessage());
    }
}
