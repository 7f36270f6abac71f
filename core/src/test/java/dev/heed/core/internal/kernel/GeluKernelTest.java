package dev.heed.core.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Rng;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/**
 * The float32 GELU kernel against the exact {@code x Φ(x)} computed in float64 with an
 * independent erfc (commons-math), and the vector backend against the scalar one bit for bit.
 */
class GeluKernelTest {

    /** Φ(x) in float64, accurate far into the negative tail (erfc, not 1 + erf). */
    private static double cdf(double x) {
        return 0.5 * Erf.erfc(-x / Math.sqrt(2));
    }

    private static double pdf(double x) {
        return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }

    @Test
    void valueAndDerivativeMatchTheExactGeluInRelativeTerms() {
        Kernels k = KernelBackends.create("plain", 1);
        int n = 28001;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -14f + i * 0.001f;
        }
        float[] y = new float[n];
        float[] dy = new float[n];
        k.gelu(x, 0, y, 0, dy, 0, n);
        double worstY = 0;
        double worstD = 0;
        for (int i = 0; i < n; i++) {
            double xi = x[i];
            double want = xi * cdf(xi);
            double wantD = cdf(xi) + xi * pdf(xi);
            if (Math.abs(want) > 1e-30) {
                worstY = Math.max(worstY, Math.abs(y[i] / want - 1));
            } else {
                // beyond |x| ~ 13 the tail leaves float32's normal range and is flushed to zero
                assertEquals(want, y[i], 1e-30, "x=" + xi);
            }
            // the derivative crosses zero near x = -0.75, where its two terms cancel: judge the
            // error against the size of the terms
            double terms = cdf(xi) + Math.abs(xi) * pdf(xi);
            if (terms > 1e-30) {
                worstD = Math.max(worstD, Math.abs(dy[i] - wantD) / terms);
            }
        }
        // measured 4.5e-7 and 2.7e-7: erfcc's 1.2e-7, the polynomial exp and float32 rounding
        assertTrue(worstY < 6e-7, "worst relative error of GELU " + worstY);
        assertTrue(worstD < 4e-7, "worst relative error of GELU' " + worstD);
        // near the origin the error is at float32 resolution
        float[] small = {-1f, -0.5f, 0.25f, 1f, 2f, 3f};
        float[] ys = new float[small.length];
        k.gelu(small, 0, ys, 0, null, 0, small.length);
        for (int i = 0; i < small.length; i++) {
            double want = small[i] * cdf(small[i]);
            assertEquals(want, ys[i], 3e-7 * Math.abs(want), "gelu(" + small[i] + ")");
        }
    }

    @Test
    void exponentialIsAccurateOverItsDomainAndFlushesBelowIt() {
        double worst = 0;
        for (float a = -87f; a <= 1f; a += 0.0037f) {
            double want = Math.exp(a);
            worst = Math.max(worst, Math.abs(GeluF32.expOfSum(a, 0f, 0f) / want - 1));
        }
        assertTrue(worst < 4e-7, "worst relative error of exp " + worst);
        assertEquals(1f, GeluF32.expOfSum(0f, 0f, 0f));
        assertEquals(0f, GeluF32.expOfSum(-88f, 0f, 0f));
        assertEquals(0f, GeluF32.expOfSum(Float.NEGATIVE_INFINITY, 0f, 0f));
        assertTrue(Float.isNaN(GeluF32.expOfSum(Float.NaN, 0f, 0f)));
    }

    @Test
    void specialValues() {
        Kernels k = KernelBackends.create("plain", 1);
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 40f, -40f, Float.MAX_VALUE};
        float[] y = new float[x.length];
        float[] dy = new float[x.length];
        k.gelu(x, 0, y, 0, dy, 0, x.length);
        assertTrue(Float.isNaN(y[0]) && Float.isNaN(dy[0]));
        assertEquals(Float.POSITIVE_INFINITY, y[1]);
        assertEquals(1f, dy[1]);
        assertTrue(Float.isNaN(y[2]), "-inf * Phi(-inf) = -inf * 0, as PyTorch");
        assertEquals(0f, dy[2]);
        assertEquals(0f, y[3]);
        assertEquals(0.5f, dy[3]);
        assertEquals(0.5f, dy[4]);
        assertEquals(40f, y[5]);
        assertEquals(1f, dy[5]);
        assertEquals(-0f, y[6], 0f);
        assertEquals(0f, dy[6]);
        assertEquals(Float.MAX_VALUE, y[7]);
    }

    @Test
    void vectorBackendGivesTheScalarBitsWithOffsetsTailsAndAliasing() {
        Kernels plain = KernelBackends.create("plain", 1);
        Kernels vector = KernelBackends.vectorModulePresent() ? KernelBackends.create("vector", 1) : plain;
        Rng rng = Rng.seeded(3);
        for (int n : new int[] {0, 1, 7, 15, 16, 17, 33, 100, 1003, 5001}) {
            float[] x = new float[n + 3];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rng.nextGaussian() * (i % 5 == 0 ? 12 : 2));
            }
            if (n > 8) {
                x[4] = Float.NaN;
                x[5] = Float.POSITIVE_INFINITY;
                x[6] = -30f;
            }
            float[] y1 = new float[n + 1];
            float[] d1 = new float[n + 2];
            float[] y2 = new float[n + 1];
            float[] d2 = new float[n + 2];
            plain.gelu(x, 3, y1, 1, d1, 2, n);
            vector.gelu(x, 3, y2, 1, d2, 2, n);
            assertArrayEquals(y1, y2, "values, n=" + n);
            assertArrayEquals(d1, d2, "derivatives, n=" + n);
            float[] inPlace = x.clone();
            float[] d3 = new float[n];
            vector.gelu(inPlace, 3, inPlace, 3, d3, 0, n);
            float[] inPlaceNoGrad = x.clone();
            vector.gelu(inPlaceNoGrad, 3, inPlaceNoGrad, 3, null, 0, n);
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToRawIntBits(y1[1 + i]), Float.floatToRawIntBits(inPlace[3 + i]), "aliased, i=" + i);
                assertEquals(Float.floatToRawIntBits(d1[2 + i]), Float.floatToRawIntBits(d3[i]), "aliased dy, i=" + i);
                assertEquals(Float.floatToRawIntBits(y1[1 + i]), Float.floatToRawIntBits(inPlaceNoGrad[3 + i]), "aliased, no dy, i=" + i);
            }
        }
    }

    @Test
    void twoThreadsGiveTheOneThreadBits() {
        Kernels one = KernelBackends.create("plain", 1);
        Kernels two = KernelBackends.vectorModulePresent() ? KernelBackends.create("vector", 2) : one;
        Rng rng = Rng.seeded(5);
        int n = (1 << 17) + 9;
        float[] x = new float[n + 1];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextGaussian() * 3);
        }
        float[] y1 = new float[n];
        float[] d1 = new float[n];
        float[] y2 = new float[n];
        float[] d2 = new float[n];
        one.gelu(x, 1, y1, 0, d1, 0, n);
        two.gelu(x, 1, y2, 0, d2, 0, n);
        assertArrayEquals(y1, y2, "values");
        assertArrayEquals(d1, d2, "derivatives");
        two.gelu(x, 1, y2, 0, null, 0, n);
        assertArrayEquals(y1, y2, "values without derivatives");
    }
}
