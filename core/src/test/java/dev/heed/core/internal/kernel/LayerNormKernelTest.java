package dev.heed.core.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heed.core.Rng;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The layer-norm and sum-of-squares kernels of both backends against a float64 evaluation of the formulas. */
class LayerNormKernelTest {

    static Stream<String> backends() {
        return Stream.of("plain", "vector");
    }

    private static float[] gauss(Rng rng, int n, double scale, double shift) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextGaussian() * scale + shift);
        }
        return x;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void forwardAndBackwardMatchTheFormulas(String backend) {
        Kernels k = KernelBackends.create(backend, 1);
        Rng rng = Rng.seeded(11);
        for (int dim : new int[] {1, 7, 16, 37, 128}) {
            for (int affine = 0; affine < 3; affine++) {
                int rows = dim >= 16 ? 37 : 5; // 37 rows: several float32 blocks of the vector backward
                int off = 3;
                float[] x = gauss(rng, off + rows * dim, 2, 1.5);
                float[] g = gauss(rng, off + rows * dim, 1, 0);
                float[] w = affine == 0 ? null : gauss(rng, dim, 1, 1);
                float[] b = affine < 2 ? null : gauss(rng, dim, 1, 0);
                float eps = 1e-5f;
                float[] y = new float[2 + rows * dim];
                float[] mean = new float[rows];
                float[] rstd = new float[rows];
                k.layerNorm(x, off, w, b, y, 2, mean, rstd, rows, dim, eps);
                float[] dx = new float[1 + rows * dim];
                double[] dw = new double[dim];
                double[] db = new double[dim];
                dw[0] = 0.25; // accumulates onto what is there
                k.layerNormBackward(x, off, g, off, w, mean, rstd, dx, 1, dw, db, rows, dim);
                double[] dwRef = new double[dim];
                double[] dbRef = new double[dim];
                dwRef[0] = 0.25;
                for (int r = 0; r < rows; r++) {
                    double mu = 0;
                    for (int j = 0; j < dim; j++) {
                        mu += x[off + r * dim + j];
                    }
                    mu /= dim;
                    double var = 0;
                    for (int j = 0; j < dim; j++) {
                        double c = x[off + r * dim + j] - mu;
                        var += c * c;
                    }
                    double rs = 1 / Math.sqrt(var / dim + eps);
                    assertEquals(mu, mean[r], 1e-5 * (1 + Math.abs(mu)), "mean");
                    assertEquals(rs, rstd[r], 1e-4 * rs, "rstd");
                    double[] xh = new double[dim];
                    double[] h = new double[dim];
                    double m1 = 0;
                    double m2 = 0;
                    for (int j = 0; j < dim; j++) {
                        xh[j] = (x[off + r * dim + j] - mu) * rs;
                        double gj = g[off + r * dim + j];
                        h[j] = w == null ? gj : gj * w[j];
                        m1 += h[j] / dim;
                        m2 += h[j] * xh[j] / dim;
                        dwRef[j] += gj * xh[j];
                        dbRef[j] += gj;
                        double want = xh[j] * (w == null ? 1 : w[j]) + (b == null ? 0 : b[j]);
                        assertEquals(want, y[2 + r * dim + j], 2e-5 * (1 + Math.abs(want)), "y dim " + dim);
                    }
                    for (int j = 0; j < dim; j++) {
                        double want = rs * (h[j] - m1 - xh[j] * m2);
                        assertEquals(want, dx[1 + r * dim + j], 1e-4 * (1 + Math.abs(want)), "dx dim " + dim);
                    }
                }
                assertArrayEquals(dwRef, dw, 1e-4 * rows, "dw dim " + dim);
                assertArrayEquals(dbRef, db, 1e-5 * rows, "db dim " + dim);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void constantRowNormalisesToTheBias(String backend) {
        Kernels k = KernelBackends.create(backend, 1);
        int dim = 20;
        float[] x = new float[dim];
        java.util.Arrays.fill(x, 3f);
        float[] b = new float[dim];
        b[4] = 0.5f;
        float[] y = new float[dim];
        float[] mean = new float[1];
        float[] rstd = new float[1];
        k.layerNorm(x, 0, null, b, y, 0, mean, rstd, 1, dim, 1e-5f);
        assertEquals(3f, mean[0]);
        assertEquals(1 / Math.sqrt(1e-5), rstd[0], 1e-2);
        assertEquals(0.5f, y[4]);
        assertEquals(0f, y[0]);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void sumOfSquaresMatchesTheDefinition(String backend) {
        Kernels k = KernelBackends.create(backend, 1);
        Rng rng = Rng.seeded(3);
        for (int n : new int[] {0, 1, 5, 16, 33, 1000}) {
            float[] x = gauss(rng, n + 2, 3, 0.5);
            double want = 0;
            for (int i = 2; i < n + 2; i++) {
                want += (double) x[i] * x[i];
            }
            assertEquals(want, k.sumOfSquares(x, 2, n), 1e-12 * (1 + want), "n = " + n);
        }
        assertEquals(25.0, k.sumOfSquares(new float[] {3f, 4f}, 0, 2), 0.0);
    }
}
