package dev.heed.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Tensor#scaledMaskedSoftmax} against the definition evaluated by hand in float64. */
class ScaledMaskedSoftmaxTest {

    private static final int B = 2;
    private static final int TQ = 3;
    private static final int TK = 5;

    /** softmax over j <= off + i of scale * s[b, i, j], zeros elsewhere (and for empty rows). */
    private static double[] reference(double[] s, double scale, boolean causal, int off) {
        double[] y = new double[s.length];
        for (int r = 0; r < B * TQ; r++) {
            int i = r % TQ;
            int lim = causal ? Math.max(0, Math.min(TK, off + i + 1)) : TK;
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < lim; j++) {
                m = Math.max(m, scale * s[r * TK + j]);
            }
            if (m == Double.NEGATIVE_INFINITY) {
                continue;
            }
            double z = 0;
            for (int j = 0; j < lim; j++) {
                z += Math.exp(scale * s[r * TK + j] - m);
            }
            for (int j = 0; j < lim; j++) {
                y[r * TK + j] = Math.exp(scale * s[r * TK + j] - m) / z;
            }
        }
        return y;
    }

    private static double[] data(long seed) {
        Rng rng = Rng.seeded(seed);
        double[] s = new double[B * TQ * TK];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (rng.nextGaussian() * 2);
        }
        return s;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @Test
    void float32ValuesAndGradientMatchTheDefinition() {
        double[] s = data(1);
        double[] g = data(2);
        for (int off : new int[] {2, 0, -1, 7}) {
            for (boolean causal : new boolean[] {true, false}) {
                double scale = 0.7;
                double[] want = reference(s, scale, causal, off);
                Tensor x = Tensor.of(toFloat(s), B, TQ, TK).requiresGrad(true);
                Tensor y = Tensor.scaledMaskedSoftmax(x, scale, causal, off);
                float[] got = y.toFloatArray();
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-6, "off=" + off + " causal=" + causal + " i=" + i);
                }
                y.backward(Tensor.of(toFloat(g), B, TQ, TK));
                float[] dx = x.grad().toFloatArray();
                for (int r = 0; r < B * TQ; r++) {
                    double dot = 0;
                    for (int j = 0; j < TK; j++) {
                        dot += want[r * TK + j] * g[r * TK + j];
                    }
                    for (int j = 0; j < TK; j++) {
                        double w = scale * want[r * TK + j] * (g[r * TK + j] - dot);
                        assertEquals(w, dx[r * TK + j], 2e-6, "grad off=" + off + " r=" + r + " j=" + j);
                    }
                }
            }
        }
    }

    @Test
    void fullyMaskedRowsGiveZerosNotNaN() {
        float[] s = toFloat(data(3));
        java.util.Arrays.fill(s, TK, 2 * TK, Float.NEGATIVE_INFINITY);
        Tensor x = Tensor.of(s, B, TQ, TK).requiresGrad(true);
        Tensor y = Tensor.scaledMaskedSoftmax(x, 1.0, true, -1);
        y.sum().backward();
        float[] v = y.toFloatArray();
        float[] d = x.grad().toFloatArray();
        for (int j = 0; j < TK; j++) {
            assertEquals(0f, v[j]);          // row 0: no key allowed (offset -1)
            assertEquals(0f, v[TK + j]);     // row 1: all -inf
            assertEquals(0f, d[j]);
            assertEquals(0f, d[TK + j]);
        }
    }

    @Test
    void float64IsDifferentiableTwice() {
        Tensor x = Tensor.randn(Rng.seeded(4), DType.FLOAT64, B, TQ, TK).requiresGrad(true);
        Tensor w = Tensor.randn(Rng.seeded(5), DType.FLOAT64, B, TQ, TK);
        GradCheck.Fn f = in -> Tensor.scaledMaskedSoftmax(in[0], 0.5, true, 1).mul(w);
        assertTrue(GradCheck.gradcheck(f, x));
        assertTrue(GradCheck.gradgradcheck(f, x));
    }

    @Test
    void float32GradientWithCreateGraphIsItselfDifferentiable() {
        double[] s = data(6);
        Tensor x = Tensor.of(toFloat(s), B, TQ, TK).requiresGrad(true);
        Tensor y = Tensor.scaledMaskedSoftmax(x, 2.0, true, 2);
        y.mul(y).sum().backward(Tensor.scalar(DType.FLOAT32, 1), false, true);
        Tensor dx = x.grad();
        assertTrue(dx.requiresGrad(), "createGraph must give a differentiable gradient");
        double[] want = reference(s, 2.0, true, 2);
        float[] got = dx.toFloatArray();
        for (int r = 0; r < B * TQ; r++) {
            double dot = 0;
            for (int j = 0; j < TK; j++) {
                dot += want[r * TK + j] * 2 * want[r * TK + j];
            }
            for (int j = 0; j < TK; j++) {
                double w = 2.0 * want[r * TK + j] * (2 * want[r * TK + j] - dot);
                assertEquals(w, got[r * TK + j], 2e-6, "r=" + r + " j=" + j);
            }
        }
    }

    @Test
    void explicitBackwardMatchesTheDefinition() {
        double[] s = data(7);
        double[] g = data(8);
        double[] y = reference(s, 1.0, true, 1);
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor yt = Tensor.of(y, B, TQ, TK).to(dt);
            Tensor gt = Tensor.of(g, B, TQ, TK).to(dt);
            double[] got = Tensor.scaledMaskedSoftmaxBackward(yt, gt, 0.25).to(DType.FLOAT64).toDoubleArray();
            for (int r = 0; r < B * TQ; r++) {
                double dot = 0;
                for (int j = 0; j < TK; j++) {
                    dot += y[r * TK + j] * g[r * TK + j];
                }
                for (int j = 0; j < TK; j++) {
                    double w = 0.25 * y[r * TK + j] * (g[r * TK + j] - dot);
                    assertEquals(w, got[r * TK + j], 2e-6, dt + " r=" + r + " j=" + j);
                }
            }
        }
        Tensor a = Tensor.zeros(2, 3);
        assertThrows(IllegalArgumentException.class, () -> Tensor.scaledMaskedSoftmaxBackward(a, Tensor.zeros(3, 2), 1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.scaledMaskedSoftmaxBackward(a, a, -1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.scaledMaskedSoftmaxBackward(null, a, 1));
    }

    @Test
    void rejectsBadInput() {
        Tensor x = Tensor.zeros(2, 3);
        assertThrows(IllegalArgumentException.class, () -> Tensor.scaledMaskedSoftmax(null, 1, false, 0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.scaledMaskedSoftmax(x, 0, false, 0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.scaledMaskedSoftmax(x, Double.NaN, false, 0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.scaledMaskedSoftmax(x, 1e300, false, 0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.scaledMaskedSoftmax(Tensor.zeros(3), 1, true, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.scaledMaskedSoftmax(x.to(DType.INT64), 1, false, 0));
        assertTrue(e.getMessage().contains("scaledMaskedSoftmax"), e.getMessage());
    }
}
