package dev.heed.core.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heed.core.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Column softmax kernels of both backends against a float64 evaluation of the definition, and
 * against each other: the backends promise the same bits.
 */
class SoftmaxColumnsTest {

    /**
     * softmax(scale x) down the first limit rows of each column, in float64: the row reference of
     * the transposed block, transposed back.
     */
    private static double[] reference(float[] x, int off, int rows, int cols, double scale, int firstLimit, int period) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = x[off + r * cols + c];
            }
        }
        double[] yt = SoftmaxRowsTest.reference(t, 0, cols, rows, scale, firstLimit, period);
        double[] y = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                y[r * cols + c] = yt[c * rows + r];
            }
        }
        return y;
    }

    private static float[] scores(Rng rng, int len, double sd) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = (float) (rng.nextGaussian() * sd);
        }
        return x;
    }

    /** Shapes with and without whole vectors of columns, masks, and limits outside [0, rows]. */
    private static final int[][] SHAPES = {{1, 1}, {7, 3}, {64, 64}, {33, 17}, {5, 40}, {16, 48}, {100, 70}};

    @ParameterizedTest
    @MethodSource("dev.heed.core.internal.kernel.SoftmaxRowsTest#backends")
    void forwardMatchesDefinitionWithCausalLimitsAndMaskedColumns(String backend, int threads) {
        Kernels k = KernelBackends.create(backend, threads);
        Rng rng = Rng.seeded(17);
        for (int[] shape : SHAPES) {
            int rows = shape[0];
            int cols = shape[1];
            for (int[] lim : new int[][] {{0, 0}, {1, cols}, {rows - cols + 1, cols}, {-2, 3}, {rows + 5, 2}}) {
                // sd 40: score differences far beyond exp's range, so some weights underflow to 0
                for (double sd : new double[] {3, 40}) {
                    float[] x = scores(rng, rows * cols + 3, sd);
                    x[3 + (rows - 1) * cols] = Float.NEGATIVE_INFINITY;   // one -inf score
                    if (cols > 2) {
                        for (int r = 0; r < rows; r++) {
                            x[3 + r * cols + 1] = Float.NEGATIVE_INFINITY; // a fully -inf column
                        }
                    }
                    float[] y = x.clone();
                    k.softmaxColumns(y, 3, rows, cols, 0.125f, lim[0], lim[1]);
                    double[] want = reference(x, 3, rows, cols, 0.125, lim[0], lim[1]);
                    for (int i = 0; i < rows * cols; i++) {
                        assertEquals(want[i], y[3 + i], 3e-6 * want[i] + 1e-9, backend + " " + rows + "x" + cols
                                + " lim=" + lim[0] + "/" + lim[1] + " sd=" + sd + " i=" + i);
                    }
                    assertEquals(x[0] + x[1] + x[2], y[0] + y[1] + y[2], "elements before the block are left alone");
                }
            }
        }
    }

    @Test
    void backendsGiveTheSameBits() {
        Kernels plain = KernelBackends.create("plain", 1);
        Kernels vector = KernelBackends.create("vector", 2);
        Rng rng = Rng.seeded(18);
        for (int[] shape : SHAPES) {
            int rows = shape[0];
            int cols = shape[1];
            for (int[] lim : new int[][] {{0, 0}, {1, cols}, {-2, 3}}) {
                float[] x = scores(rng, rows * cols, 5);
                float[] a = x.clone();
                float[] b = x.clone();
                plain.softmaxColumns(a, 0, rows, cols, 0.3f, lim[0], lim[1]);
                vector.softmaxColumns(b, 0, rows, cols, 0.3f, lim[0], lim[1]);
                float[] g = scores(rng, rows * cols, 1);
                float[] ga = g.clone();
                float[] gb = g.clone();
                plain.softmaxColumnsBackward(a, 0, ga, 0, rows, cols, 0.3f);
                vector.softmaxColumnsBackward(b, 0, gb, 0, rows, cols, 0.3f);
                for (int i = 0; i < rows * cols; i++) {
                    assertEquals(Float.floatToIntBits(a[i]), Float.floatToIntBits(b[i]), rows + "x" + cols + " y i=" + i);
                    assertEquals(Float.floatToIntBits(ga[i]), Float.floatToIntBits(gb[i]), rows + "x" + cols + " g i=" + i);
                }
            }
        }
    }

    @Test
    void aNaNScorePoisonsItsColumnOnly() {
        for (String backend : new String[] {"plain", "vector"}) {
            Kernels k = KernelBackends.create(backend, 1);
            float[] x = scores(Rng.seeded(3), 8 * 32, 1);
            x[5 * 32 + 4] = Float.NaN;
            k.softmaxColumns(x, 0, 8, 32, 1f, 0, 0);
            for (int r = 0; r < 8; r++) {
                assertEquals(true, Float.isNaN(x[r * 32 + 4]), backend + " r=" + r);
                assertEquals(false, Float.isNaN(x[r * 32 + 5]), backend + " r=" + r);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.heed.core.internal.kernel.SoftmaxRowsTest#backends")
    void backwardMatchesDefinition(String backend, int threads) {
        Kernels k = KernelBackends.create(backend, threads);
        Rng rng = Rng.seeded(19);
        for (int[] shape : SHAPES) {
            int rows = shape[0];
            int cols = shape[1];
            float[] y = scores(rng, rows * cols + 1, 2);
            k.softmaxColumns(y, 1, rows, cols, 1f, 2, cols);
            float[] g0 = scores(rng, rows * cols + 4, 1);
            float[] g = g0.clone();
            k.softmaxColumnsBackward(y, 1, g, 4, rows, cols, 0.5f);
            for (int c = 0; c < cols; c++) {
                double dot = 0;
                double mag = 0;
                for (int r = 0; r < rows; r++) {
                    dot += (double) y[1 + r * cols + c] * g0[4 + r * cols + c];
                    mag += Math.abs((double) y[1 + r * cols + c] * g0[4 + r * cols + c]);
                }
                for (int r = 0; r < rows; r++) {
                    double yy = y[1 + r * cols + c];
                    double want = 0.5 * yy * (g0[4 + r * cols + c] - dot);
                    double tol = 1e-6 * Math.abs(yy) * (Math.abs(g0[4 + r * cols + c]) + mag) + 1e-12;
                    assertEquals(want, g[4 + r * cols + c], tol, backend + " " + rows + "x" + cols + " r=" + r + " c=" + c);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.heed.core.internal.kernel.SoftmaxRowsTest#backends")
    void rejectsBadScale(String backend, int threads) {
        Kernels k = KernelBackends.create(backend, threads);
        float[] x = new float[4];
        for (float s : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> k.softmaxColumns(x, 0, 2, 2, s, 0, 0));
            assertEquals(true, e.getMessage().contains("scale"), e.getMessage());
        }
    }
}
