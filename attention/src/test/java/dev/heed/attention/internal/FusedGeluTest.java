package dev.heed.attention.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.DType;
import dev.heed.core.GradCheck;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

class FusedGeluTest {

    @Test
    void matchesTheExactGeluInBothPrecisions() {
        double[] xs = new double[401];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = -10 + i * 0.05;
        }
        double[] y64 = FusedGelu.apply(Tensor.of(xs, xs.length)).toDoubleArray();
        double[] y32 = FusedGelu.apply(Tensor.of(xs, xs.length).to(DType.FLOAT32)).toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            double want = 0.5 * xs[i] * (1 + Erf.erf(xs[i] / Math.sqrt(2)));
            assertEquals(want, y64[i], 2e-7 * Math.max(1, Math.abs(xs[i])), "x=" + xs[i]);
            assertEquals(want, y32[i], 2e-6 * Math.max(1, Math.abs(xs[i])), "float32 x=" + xs[i]);
        }
    }

    @Test
    void polynomialExpIsAccurate() {
        for (double x = -80; x <= 0; x += 0.137) {
            double want = Math.exp(x);
            // float32 rounding of x log2(e) costs about |x| * 6e-8 relative
            assertEquals(want, FusedGelu.expNonPositive((float) x), (3e-7 + Math.abs(x) * 1e-7) * want, "x=" + x);
        }
        assertEquals(0f, FusedGelu.expNonPositive(-100f));
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Tensor x = Tensor.randn(Rng.seeded(1), DType.FLOAT64, 20).mul(2).detach().requiresGrad(true);
        assertTrue(GradCheck.gradcheck(in -> FusedGelu.apply(in[0]), 1e-6, 1e-6, 1e-4, x));
    }

    @Test
    void fusedTanhIsAccurateAndTwiceDifferentiable() {
        for (double x = -12; x <= 12; x += 0.0137) {
            assertEquals(Math.tanh(x), FusedTanh.apply(Tensor.of(new float[] {(float) x}, 1)).item(), 3e-7, "x=" + x);
        }
        Tensor x = Tensor.randn(Rng.seeded(2), DType.FLOAT64, 12).detach().requiresGrad(true);
        assertTrue(GradCheck.gradcheck(in -> FusedTanh.apply(in[0]), x));
        assertTrue(GradCheck.gradgradcheck(in -> FusedTanh.apply(in[0]), x));
    }

    @Test
    void fastSoftmaxMatchesCoreInValueAndGradientAndZeroesMaskedRows() {
        Rng rng = Rng.seeded(5);
        float[] a = Tensor.randn(rng, 4, 7).mul(5).toFloatArray();
        for (int j = 0; j < 7; j++) {
            a[7 + j] = Float.NEGATIVE_INFINITY;
        }
        a[20] = Float.NEGATIVE_INFINITY;
        Tensor s1 = Tensor.of(a, 4, 7).requiresGrad(true);
        Tensor s2 = Tensor.of(a, 4, 7).requiresGrad(true);
        Tensor g = Tensor.randn(rng, 4, 7);
        Tensor y1 = FastSoftmax.apply(s1);
        Tensor y2 = s2.softmax(-1);
        org.junit.jupiter.api.Assertions.assertArrayEquals(y2.toFloatArray(), y1.toFloatArray(), 1e-6f);
        y1.backward(g);
        y2.backward(g);
        org.junit.jupiter.api.Assertions.assertArrayEquals(s2.grad().toFloatArray(), s1.grad().toFloatArray(), 1e-6f);
        for (int j = 0; j < 7; j++) {
            assertEquals(0.0, y1.get(1, j), 0.0);
            assertEquals(0.0, s1.grad().get(1, j), 0.0);
        }
    }
}
