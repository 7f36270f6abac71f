package dev.heed.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Autograd;
import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.attention.internal.Rows;
import dev.heed.positional.Positionals;
import dev.heed.positional.spi.PositionalDims;
import dev.heed.positional.spi.PositionalScheme;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultiHeadAttentionTest {

    /** y = x Wᵀ + b with plain loops; x [n, in], w [out, in]. */
    private static double[] linear(double[] x, int n, int in, double[] w, double[] bias, int out) {
        double[] y = new double[n * out];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                double s = bias == null ? 0 : bias[o];
                for (int c = 0; c < in; c++) {
                    s += x[i * in + c] * w[o * in + c];
                }
                y[i * out + o] = s;
            }
        }
        return y;
    }

    /** Independent multi-head attention for one batch element, with loops. Returns [Tq, E] and weights [H, Tq, Tk]. */
    private static double[][] reference(Map<String, Tensor> p, double[] xq, double[] xk, int tq, int tk, int e, int kd, int h,
                                        boolean causal) {
        int dh = e / h;
        double[] q = linear(xq, tq, e, p.get("wq.weight").toDoubleArray(), p.get("wq.bias").toDoubleArray(), e);
        double[] k = linear(xk, tk, kd, p.get("wk.weight").toDoubleArray(), p.get("wk.bias").toDoubleArray(), e);
        double[] v = linear(xk, tk, kd, p.get("wv.weight").toDoubleArray(), p.get("wv.bias").toDoubleArray(), e);
        double[] merged = new double[tq * e];
        double[] weights = new double[h * tq * tk];
        for (int head = 0; head < h; head++) {
            for (int i = 0; i < tq; i++) {
                double[] s = new double[tk];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < tk; j++) {
                    if (causal && j > tk - tq + i) {
                        s[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    for (int c = 0; c < dh; c++) {
                        s[j] += q[i * e + head * dh + c] * k[j * e + head * dh + c];
                    }
                    s[j] /= Math.sqrt(dh);
                    max = Math.max(max, s[j]);
                }
                double z = 0;
                for (int j = 0; j < tk; j++) {
                    s[j] = Math.exp(s[j] - max);
                    z += s[j];
                }
                for (int j = 0; j < tk; j++) {
                    weights[(head * tq + i) * tk + j] = s[j] / z;
                    for (int c = 0; c < dh; c++) {
                        merged[i * e + head * dh + c] += s[j] / z * v[j * e + head * dh + c];
                    }
                }
            }
        }
        double[] out = linear(merged, tq, e, p.get("wo.weight").toDoubleArray(), p.get("wo.bias").toDoubleArray(), e);
        return new double[][] {out, weights};
    }

    @Test
    void crossAttentionMatchesLoopReferenceWithWeightsPerHeadAndAveraged() {
        int e = 8, h = 2, kd = 5, tq = 3, tk = 4;
        MultiHeadAttention mha = MultiHeadAttention.builder(e, h).kDim(kd).vDim(kd).build(Rng.seeded(5));
        mha.to(DType.FLOAT64);
        Rng rng = Rng.seeded(6);
        Tensor xq = Tensor.randn(rng, DType.FLOAT64, 1, tq, e);
        Tensor xk = Tensor.randn(rng, DType.FLOAT64, 1, tk, kd);
        double[][] want = reference(mha.stateDict(), xq.toDoubleArray(), xk.toDoubleArray(), tq, tk, e, kd, h, false);
        AttentionOutput o = mha.forward(xq, xk, xk, AttentionMask.none(), true, false, null);
        assertArrayEquals(want[0], o.output().toDoubleArray(), 1e-10);
        assertArrayEquals(want[1], o.weights().toDoubleArray(), 1e-10);
        assertArrayEquals(new int[] {1, h, tq, tk}, o.weights().shape());
        AttentionOutput avg = mha.forward(xq, xk, xk, AttentionMask.none(), true, true, null);
        double[] w = avg.weights().toDoubleArray();
        for (int i = 0; i < tq * tk; i++) {
            assertEquals((want[1][i] + want[1][tq * tk + i]) / 2, w[i], 1e-10);
        }
    }

    @Test
    void causalSelfAttentionMatchesLoopsAndBlockedPathWithoutBias() {
        int e = 12, h = 3, t = 6;
        MultiHeadAttention mha = MultiHeadAttention.builder(e, h).build(Rng.seeded(7));
        Tensor x = Tensor.randn(Rng.seeded(8), 1, t, e);
        double[][] want = reference(mha.stateDict(), x.toDoubleArray(), x.toDoubleArray(), t, t, e, e, h, true);
        assertArrayEquals(toFloat(want[0]), mha.forward(x, AttentionMask.causal()).toFloatArray(), 1e-5f);
        try (NoGrad ignored = NoGrad.enter()) {
            AttentionOutput o = mha.forward(x, x, x, AttentionMask.causal(), false, false, null);
            assertTrue(o.blocked());
            assertArrayEquals(toFloat(want[0]), o.output().toFloatArray(), 1e-5f);
        }
        MultiHeadAttention noBias = MultiHeadAttention.builder(e, h).bias(false).build(Rng.seeded(7));
        assertEquals(4, noBias.parameters().size());
        assertEquals(8, mha.parameters().size());
    }

    @Test
    void packedSelfAttentionEqualsThePlainPathWithGradientsForEveryParameter() {
        int e = 12;
        int h = 3;
        int t = 21;
        PositionalScheme bias = Positionals.create("relative-bias", Map.of("initStd", 1.0), PositionalDims.of(e, h, 1),
                Rng.seeded(4));
        MultiHeadAttention mha = MultiHeadAttention.builder(e, h).positional(bias, 0).build(Rng.seeded(9));
        Tensor x = Tensor.randn(Rng.seeded(10), 2, t, e).requiresGrad(true);
        Tensor g = Tensor.randn(Rng.seeded(11), 2, t, e);
        AttentionMask mask = AttentionMask.causal().and(AttentionMask.keyLengths(t, 0));
        AttentionOutput packed = mha.forward(x, x, x, mask, false, false, null);
        AttentionOutput plain = mha.forward(x, x, x, mask, true, false, null);
        assertTrue(packed.blocked());
        assertFalse(plain.blocked());
        assertArrayEquals(plain.output().toFloatArray(), packed.output().toFloatArray(), 1e-5f);
        java.util.List<Tensor> wrt = new java.util.ArrayList<>(mha.parameters());
        wrt.addAll(bias.parameters());
        wrt.add(x);
        Tensor[] in = wrt.toArray(new Tensor[0]);
        Tensor[] gp = assertSameGradients(packed, plain, in, g);
        // the second sequence sees no key: its attention output is zero, so it only carries the biases
        assertTrue(gp[in.length - 2].abs().sum().item() > 1e-3, "the bias table receives gradient");
    }

    /**
     * Without a bias term, short packed self-attention reads the heads in place from the packed
     * projections and writes the packed gradient: equal to the plain path, also for a sequence with
     * no key and one with a few.
     */
    @Test
    void shortPackedSelfAttentionWithoutBiasEqualsThePlainPath() {
        int e = 16;
        int h = 4;
        int t = 37;
        MultiHeadAttention mha = MultiHeadAttention.builder(e, h).build(Rng.seeded(12));
        Tensor x = Tensor.randn(Rng.seeded(13), 3, t, e).requiresGrad(true);
        Tensor g = Tensor.randn(Rng.seeded(14), 3, t, e);
        AttentionMask mask = AttentionMask.causal().and(AttentionMask.keyLengths(t, 0, 5));
        AttentionOutput packed = mha.forward(x, x, x, mask, false, false, null);
        AttentionOutput plain = mha.forward(x, x, x, mask, true, false, null);
        assertTrue(packed.blocked());
        assertArrayEquals(plain.output().toFloatArray(), packed.output().toFloatArray(), 1e-5f);
        java.util.List<Tensor> wrt = new java.util.ArrayList<>(mha.parameters());
        wrt.add(x);
        assertSameGradients(packed, plain, wrt.toArray(new Tensor[0]), g);
    }

    /** Gradients of both outputs (weighted by {@code g}) for every tensor of {@code in} agree; returns the packed ones. */
    private static Tensor[] assertSameGradients(AttentionOutput packed, AttentionOutput plain, Tensor[] in, Tensor g) {
        Tensor[] gp = Autograd.grad(new Tensor[] {packed.output()}, in, new Tensor[] {g}, false, false);
        Tensor[] gq = Autograd.grad(new Tensor[] {plain.output()}, in, new Tensor[] {g}, false, false);
        for (int i = 0; i < in.length; i++) {
            assertArrayEquals(gq[i].toFloatArray(), gp[i].toFloatArray(), 1e-4f, "gradient " + i);
        }
        return gp;
    }

    @Test
    void kvCacheStepsEqualTheFullSequenceForEverySimilarityAndPositionalScheme() {
        java.util.List<Map<String, Object>> variants = new java.util.ArrayList<>();
        for (String pos : Positionals.registry().usableNames()) {
            variants.add(Map.of("name", pos));
        }
        variants.add(Map.of("name", "relative-key", "valueTerm", true));
        for (Map<String, Object> variant : variants) {
            String pos = (String) variant.get("name");
            Map<String, Object> opts = new java.util.HashMap<>(variant);
            opts.remove("name");
            for (String sim : new String[] {"dot", "scaled-dot", "cosine", "additive"}) {
                PositionalScheme scheme = Positionals.create(pos, opts, PositionalDims.of(8, 2, 1), Rng.seeded(4));
                MultiHeadAttention mha = MultiHeadAttention.builder(8, 2).similarity(Similarities.factory(sim))
                        .positional(scheme, 0).build(Rng.seeded(9));
                mha.eval();
                Tensor x = Tensor.randn(Rng.seeded(10), 2, 7, 8);
                try (NoGrad ignored = NoGrad.enter()) {
                    float[] full = mha.forward(scheme.embed(x, 0), AttentionMask.causal()).toFloatArray();
                    KVCache cache = mha.newCache();
                    float[] steps = new float[full.length];
                    // a prompt of 3, single steps, then 2 at once
                    int[][] chunks = {{0, 3}, {3, 1}, {4, 1}, {5, 2}};
                    for (int[] c : chunks) {
                        Tensor part = scheme.embed(Rows.slice(x, c[0], c[1]), c[0]);
                        float[] y = mha.forward(part, AttentionMask.causal(), cache).toFloatArray();
                        for (int bb = 0; bb < 2; bb++) {
                            System.arraycopy(y, bb * c[1] * 8, steps, (bb * 7 + c[0]) * 8, c[1] * 8);
                        }
                    }
                    assertEquals(7, cache.length());
                    assertArrayEquals(full, steps, 2e-5f, variant + " / " + sim);
                }
            }
        }
    }

    @Test
    void badInputsAreExplained() {
        assertThrows(IllegalArgumentException.class, () -> MultiHeadAttention.builder(10, 3));
        MultiHeadAttention mha = MultiHeadAttention.builder(8, 2).build(Rng.seeded(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mha.forward(Tensor.zeros(5, 8), AttentionMask.none()));
        assertTrue(e.getMessage().contains("unsqueeze(0)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> mha.forward(Tensor.zeros(1, 5, 7), AttentionMask.none()));
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
