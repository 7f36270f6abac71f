package dev.heed.core.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heed.core.Rng;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Row softmax kernels of both backends against a float64 evaluation of the definition. */
class SoftmaxRowsTest {

    static Stream<Object[]> backends() {
        return Stream.of(new Object[] {"plain", 1}, new Object[] {"vector", 1}, new Object[] {"vector", 2});
    }

    /** Causal limit of row r as documented: clamp(firstLimit + r mod period, 0, n), or n. */
    private static int limit(int r, int n, int firstLimit, int period) {
        return period <= 0 ? n : Math.max(0, Math.min(n, firstLimit + r % period));
    }

    /** softmax(scale x) over the first lim entries of each row, in float64; zeros elsewhere. */
    static double[] reference(float[] x, int xOff, int rows, int n, double scale, int firstLimit, int period) {
        double[] y = new double[rows * n];
        for (int r = 0; r < rows; r++) {
            int lim = limit(r, n, firstLimit, period);
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < lim; j++) {
                m = Math.max(m, scale * x[xOff + r * n + j]);
            }
            if (m == Double.NEGATIVE_INFINITY) {
                continue;
            }
            double s = 0;
            for (int j = 0; j < lim; j++) {
                s += Math.exp(scale * x[xOff + r * n + j] - m);
            }
            for (int j = 0; j < lim; j++) {
                y[r * n + j] = Math.exp(scale * x[xOff + r * n + j] - m) / s;
            }
        }
        return y;
    }

    private static float[] scores(Rng rng, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = (float) (rng.nextGaussian() * 3);
        }
        return x;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void forwardMatchesDefinitionWithCausalLimitsAndMaskedRows(String backend, int threads) {
        Kernels k = KernelBackends.create(backend, threads);
        Rng rng = Rng.seeded(7);
        int[][] cases = {{1, 1}, {3, 7}, {5, 16}, {4, 17}, {6, 33}, {9, 100}, {70, 1000}};
        for (int[] c : cases) {
            int rows = c[0];
            int n = c[1];
            for (int[] lim : new int[][] {{0, 0}, {1, rows}, {n - rows + 1, rows}, {-2, 3}, {n + 5, 2}}) {
                for (double scale : new double[] {1.0, 0.125}) {
                    float[] x = scores(rng, rows * n + 3);
                    x[3 + (rows - 1) * n] = Float.NEGATIVE_INFINITY;       // one -inf score
                    if (rows > 2) {
                        java.util.Arrays.fill(x, 3 + n, 3 + 2 * n, Float.NEGATIVE_INFINITY); // a fully -inf row
                    }
                    double[] want = reference(x, 3, rows, n, scale, lim[0], lim[1]);
                    float[] out = new float[rows * n + 2];
                    java.util.Arrays.fill(out, Float.NaN);               // stale contents must be overwritten
                    k.softmaxRows(x, 3, out, 2, rows, n, (float) scale, lim[0], lim[1]);
                    for (int i = 0; i < rows * n; i++) {
                        assertEquals(want[i], out[2 + i], 3e-6 * want[i] + 1e-9,
                                backend + " rows=" + rows + " n=" + n + " lim=" + lim[0] + "/" + lim[1] + " i=" + i);
                    }
                    // In place gives the same bits: the exponentials are reproducible and sums run in a fixed order.
                    float[] inPlace = x.clone();
                    k.softmaxRows(inPlace, 3, inPlace, 3, rows, n, (float) scale, lim[0], lim[1]);
                    for (int i = 0; i < rows * n; i++) {
                        assertEquals(Float.floatToIntBits(out[2 + i]), Float.floatToIntBits(inPlace[3 + i]), "in place i=" + i);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void backwardMatchesDefinition(String backend, int threads) {
        Kernels k = KernelBackends.create(backend, threads);
        Rng rng = Rng.seeded(8);
        for (int[] c : new int[][] {{2, 5}, {3, 16}, {4, 35}, {70, 1000}}) {
            int rows = c[0];
            int n = c[1];
            float[] y = new float[rows * n + 1];
            k.softmaxRows(scores(rng, rows * n + 1), 1, y, 1, rows, n, 1f, 2, rows);
            float[] g = scores(rng, rows * n + 4);
            float[] out = new float[rows * n];
            k.softmaxRowsBackward(y, 1, g, 4, out, 0, rows, n, 0.5f);
            for (int r = 0; r < rows; r++) {
                double dot = 0;
                double mag = 0;
                for (int j = 0; j < n; j++) {
                    dot += (double) y[1 + r * n + j] * g[4 + r * n + j];
                    mag += Math.abs((double) y[1 + r * n + j] * g[4 + r * n + j]);
                }
                for (int j = 0; j < n; j++) {
                    double yy = y[1 + r * n + j];
                    double want = 0.5 * yy * (g[4 + r * n + j] - dot);
                    double tol = 1e-6 * Math.abs(yy) * (Math.abs(g[4 + r * n + j]) + mag) + 1e-12;
                    assertEquals(want, out[r * n + j], tol, backend + " r=" + r + " j=" + j);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void rejectsBadScale(String backend, int threads) {
        Kernels k = KernelBackends.create(backend, threads);
        float[] x = new float[4];
        for (float s : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> k.softmaxRows(x, 0, x, 0, 1, 4, s, 0, 0));
            assertEquals(true, e.getMessage().contains("scale"), e.getMessage());
        }
    }
}
