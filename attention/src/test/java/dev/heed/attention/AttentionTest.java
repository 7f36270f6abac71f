package dev.heed.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.attention.internal.FlashAttention;
import dev.heed.attention.spi.Similarity;
import dev.heed.core.Autograd;
import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.positional.Positionals;
import dev.heed.positional.spi.PositionalDims;
import dev.heed.positional.spi.PositionalScheme;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttentionTest {

    private static Similarity scaled(int d) {
        return Similarities.create("scaled-dot", d, 1, Rng.seeded(0));
    }

    /** Independent reference: plain loops in double precision over [B, H, T, d] arrays. */
    private static double[] loopAttention(double[] q, double[] k, double[] v, int b, int h, int tq, int tk, int d, int dv,
                                          boolean causal, int[] lengths) {
        double[] out = new double[b * h * tq * dv];
        for (int x = 0; x < b; x++) {
            for (int y = 0; y < h; y++) {
                int s = x * h + y;
                for (int i = 0; i < tq; i++) {
                    double[] sc = new double[tk];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < tk; j++) {
                        boolean ok = (!causal || j <= tk - tq + i) && (lengths == null || j < lengths[x]);
                        if (!ok) {
                            sc[j] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double dot = 0;
                        for (int c = 0; c < d; c++) {
                            dot += q[(s * tq + i) * d + c] * k[(s * tk + j) * d + c];
                        }
                        sc[j] = dot / Math.sqrt(d);
                        max = Math.max(max, sc[j]);
                    }
                    if (max == Double.NEGATIVE_INFINITY) {
                        continue;
                    }
                    double z = 0;
                    for (int j = 0; j < tk; j++) {
                        sc[j] = Math.exp(sc[j] - max);
                        z += sc[j];
                    }
                    for (int j = 0; j < tk; j++) {
                        for (int c = 0; c < dv; c++) {
                            out[(s * tq + i) * dv + c] += sc[j] / z * v[(s * tk + j) * dv + c];
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void plainAndBlockedMatchLoopsWithCausalAndPadding() {
        Rng rng = Rng.seeded(11);
        int b = 2, h = 3, tq = 70, tk = 70, d = 5, dv = 4;
        Tensor q = Tensor.randn(rng, b, h, tq, d);
        Tensor k = Tensor.randn(rng, b, h, tk, d);
        Tensor v = Tensor.randn(rng, b, h, tk, dv);
        int[] lengths = {70, 33};
        double[] want = loopAttention(q.toDoubleArray(), k.toDoubleArray(), v.toDoubleArray(), b, h, tq, tk, d, dv, true, lengths);
        AttentionMask mask = AttentionMask.causal().and(AttentionMask.keyLengths(lengths));
        try (NoGrad ignored = NoGrad.enter()) {
            AttentionOutput plain = Attention.attend(q, k, v, scaled(d), mask, null, 0, 0, 0, null, false, false);
            AttentionOutput blocked = Attention.attend(q, k, v, scaled(d), mask);
            assertFalse(plain.blocked());
            assertTrue(blocked.blocked());
            assertArrayEquals(want, plain.output().toDoubleArray(), 1e-5);
            assertArrayEquals(want, blocked.output().toDoubleArray(), 1e-5);
        }
    }

    @Test
    void causalWithCachedPrefixAlignsTheLastQueryWithTheLastKey() {
        Rng rng = Rng.seeded(12);
        Tensor q = Tensor.randn(rng, 1, 2, 3, 4);
        Tensor k = Tensor.randn(rng, 1, 2, 8, 4);
        Tensor v = Tensor.randn(rng, 1, 2, 8, 4);
        double[] want = loopAttention(q.toDoubleArray(), k.toDoubleArray(), v.toDoubleArray(), 1, 2, 3, 8, 4, 4, true, null);
        try (NoGrad ignored = NoGrad.enter()) {
            assertArrayEquals(want, Attention.attend(q, k, v, scaled(4), AttentionMask.causal(), null, 0, 0, 0, null, false, false)
                    .output().toDoubleArray(), 1e-5);
            assertArrayEquals(want, Attention.attend(q, k, v, scaled(4), AttentionMask.causal()).output().toDoubleArray(), 1e-5);
        }
    }

    @Test
    void fullyMaskedRowsGiveZeroOutputAndZeroGradientNeverNaN() {
        Rng rng = Rng.seeded(13);
        Tensor q = Tensor.randn(rng, DType.FLOAT64, 2, 1, 3, 4).requiresGrad(true);
        Tensor k = Tensor.randn(rng, DType.FLOAT64, 2, 1, 3, 4).requiresGrad(true);
        Tensor v = Tensor.randn(rng, DType.FLOAT64, 2, 1, 3, 4).requiresGrad(true);
        // sequence 1 has no real keys; in sequence 0 query row 1 is forbidden everything by an allowed-mask
        boolean[] allowed = {true, true, true, false, false, false, true, true, true};
        AttentionMask mask = AttentionMask.keyLengths(3, 0).and(AttentionMask.allowed(Tensor.of(allowed, 3, 3)));
        AttentionOutput o = Attention.attend(q, k, v, scaled(4), mask, null, 0, 0, 0, null, true, true);
        double[] out = o.output().toDoubleArray();
        for (double x : out) {
            assertFalse(Double.isNaN(x));
        }
        for (int c = 0; c < 4; c++) {
            assertEquals(0.0, out[(0 * 3 + 1) * 4 + c]);
            for (int i = 0; i < 3; i++) {
                assertEquals(0.0, out[(3 + i) * 4 + c]);
            }
        }
        Tensor[] g = Autograd.grad(o.output().sum(), q, k, v);
        double[] gq = g[0].toDoubleArray();
        for (Tensor t : g) {
            for (double x : t.toDoubleArray()) {
                assertFalse(Double.isNaN(x));
            }
        }
        for (int c = 0; c < 4; c++) {
            assertEquals(0.0, gq[4 + c]);
            for (int i = 3; i < 6; i++) {
                assertEquals(0.0, gq[i * 4 + c]);
            }
        }
        // blocked path agrees on a padding-only version
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor qf = q.detach().to(DType.FLOAT32);
            Tensor kf = k.detach().to(DType.FLOAT32);
            Tensor vf = v.detach().to(DType.FLOAT32);
            AttentionOutput b = Attention.attend(qf, kf, vf, scaled(4), AttentionMask.keyLengths(3, 0));
            assertTrue(b.blocked());
            double[] bo = b.output().toDoubleArray();
            for (int i = 12; i < 24; i++) {
                assertEquals(0.0, bo[i]);
            }
        }
    }

    @Test
    void additiveFloatMaskAndWeightsAreReturned() {
        Tensor q = Tensor.zeros(DType.FLOAT64, 1, 1, 1, 2);
        Tensor k = Tensor.zeros(DType.FLOAT64, 1, 1, 2, 2);
        Tensor v = Tensor.of(new double[] {1, 0, 0, 1}, 1, 1, 2, 2);
        // equal scores; bias log(3) on key 0 gives weights 3/4, 1/4
        Tensor bias = Tensor.of(new double[] {Math.log(3), 0}, 1, 2);
        AttentionOutput o = Attention.attend(q, k, v, scaled(2), AttentionMask.additive(bias), null, 0, 0, 0, null, true, true);
        assertArrayEquals(new double[] {0.75, 0.25}, o.weights().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {0.75, 0.25}, o.output().toDoubleArray(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Attention.attend(q, k, v, scaled(2),
                AttentionMask.additive(Tensor.zeros(DType.FLOAT64, 3, 2))));
        assertThrows(IllegalArgumentException.class, () -> AttentionMask.allowed(bias));
    }

    @Test
    void smallChunksGiveTheSameValuesAndGradients() {
        Rng rng = Rng.seeded(14);
        Tensor q = Tensor.randn(rng, 2, 2, 37, 6).requiresGrad(true);
        Tensor k = Tensor.randn(rng, 2, 2, 81, 6).requiresGrad(true);
        Tensor v = Tensor.randn(rng, 2, 2, 81, 3).requiresGrad(true);
        Tensor dO = Tensor.randn(rng, 2, 2, 37, 3);
        AttentionMask mask = AttentionMask.causal().and(AttentionMask.keyLengths(50, 81));
        AttentionOutput plain = Attention.attend(q, k, v, scaled(6), mask, null, 0, 0, 0, null, false, false);
        Tensor[] g = Autograd.grad(plain.output().mul(dO).sum(), q, k, v);
        // tiles of 5 query rows x 7 keys: neither divides 37 or 81
        Tensor out = new FlashAttention(1 / Math.sqrt(6), true, new int[] {50, 81}, null, 5, 7, 1 << 20).apply(q, k, v);
        assertArrayEquals(plain.output().toFloatArray(), out.toFloatArray(), 1e-5f);
        Tensor[] gc = Autograd.grad(out.mul(dO).sum(), q, k, v);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(g[i].toFloatArray(), gc[i].toFloatArray(), 1e-4f, "input " + i);
        }
    }

    @Test
    void blockedPathJoinsAutogradWithTheSameGradients() {
        Rng rng = Rng.seeded(15);
        Tensor q = Tensor.randn(rng, 2, 2, 40, 8).requiresGrad(true);
        Tensor k = Tensor.randn(rng, 2, 2, 40, 8).requiresGrad(true);
        Tensor v = Tensor.randn(rng, 2, 2, 40, 8).requiresGrad(true);
        Tensor dO = Tensor.randn(rng, 2, 2, 40, 8);
        AttentionMask mask = AttentionMask.causal().and(AttentionMask.keyLengths(40, 17));
        AttentionOutput plain = Attention.attend(q, k, v, scaled(8), mask, null, 0, 0, 0, null, false, false);
        AttentionOutput blocked = Attention.attend(q, k, v, scaled(8), mask);
        assertTrue(blocked.blocked());
        assertArrayEquals(plain.output().toFloatArray(), blocked.output().toFloatArray(), 1e-5f);
        Tensor[] gp = Autograd.grad(plain.output().mul(dO).sum(), q, k, v);
        Tensor[] gb = Autograd.grad(blocked.output().mul(dO).sum(), q, k, v);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(gp[i].toFloatArray(), gb[i].toFloatArray(), 1e-4f, "input " + i);
        }
    }

    @Test
    void blockedPathAddsAPureBiasSchemeBlockByBlock() {
        PositionalScheme bias = Positionals.create("relative-bias", Map.of("initStd", 1.0), PositionalDims.of(16, 2, 1),
                Rng.seeded(3));
        Rng rng = Rng.seeded(16);
        Tensor q = Tensor.randn(rng, 1, 2, 45, 8);
        Tensor k = Tensor.randn(rng, 1, 2, 70, 8);
        Tensor v = Tensor.randn(rng, 1, 2, 70, 8);
        try (NoGrad ignored = NoGrad.enter()) {
            AttentionOutput plain = Attention.attend(q, k, v, scaled(8), AttentionMask.causal(), bias, 0, 25, 0, null, false,
                    false);
            AttentionOutput blocked = Attention.attend(q, k, v, scaled(8), AttentionMask.causal(), bias, 0, 25, 0, null,
                    false, true);
            assertTrue(blocked.blocked());
            assertArrayEquals(plain.output().toFloatArray(), blocked.output().toFloatArray(), 1e-5f);
        }
        // trainable bias parameters recording gradients stay on the blocked path (their gradient is accumulated per block)
        AttentionOutput training = Attention.attend(q, k, v, scaled(8), AttentionMask.causal(), bias, 0, 25, 0, null, false,
                true);
        assertTrue(training.blocked());
    }

    @Test
    void badShapesAreExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Attention.attend(
                Tensor.zeros(2, 3, 4), Tensor.zeros(2, 3, 4), Tensor.zeros(2, 3, 4), scaled(4), AttentionMask.none()));
        assertTrue(e.getMessage().contains("4-D"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Attention.attend(Tensor.zeros(1, 1, 2, 4),
                Tensor.zeros(1, 1, 3, 4), Tensor.zeros(1, 1, 2, 4), scaled(4), AttentionMask.none()));
        assertThrows(IllegalArgumentException.class, () -> AttentionMask.keyLengths(-1));
        assertNull(AttentionMask.none().toAdditive(1, 1, 2, 2, DType.FLOAT32));
    }
}
