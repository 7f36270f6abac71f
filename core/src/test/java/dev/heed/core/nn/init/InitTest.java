package dev.heed.core.nn.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import org.junit.jupiter.api.Test;

class InitTest {

    private static double[] stats(Tensor t) {
        double[] v = t.toDoubleArray();
        double sum = 0;
        double sq = 0;
        double max = 0;
        for (double x : v) {
            sum += x;
            sq += x * x;
            max = Math.max(max, Math.abs(x));
        }
        double mean = sum / v.length;
        return new double[] {mean, sq / v.length - mean * mean, max};
    }

    @Test
    void gainsMatchPyTorchTable() {
        assertEquals(1.0, Init.calculateGain(Nonlinearity.LINEAR), 0);
        assertEquals(1.0, Init.calculateGain(Nonlinearity.SIGMOID), 0);
        assertEquals(5.0 / 3, Init.calculateGain(Nonlinearity.TANH), 0);
        assertEquals(Math.sqrt(2), Init.calculateGain(Nonlinearity.RELU), 0);
        assertEquals(Math.sqrt(2 / (1 + 0.01 * 0.01)), Init.calculateGain(Nonlinearity.LEAKY_RELU), 1e-15);
        // a = sqrt(5) (Linear's default) gives sqrt(1/3)
        assertEquals(Math.sqrt(1.0 / 3), Init.calculateGain(Nonlinearity.LEAKY_RELU, Math.sqrt(5)), 1e-15);
        assertEquals(0.75, Init.calculateGain(Nonlinearity.SELU), 0);
    }

    @Test
    void fansFollowPyTorch() {
        assertArrayEquals(new int[] {3 * 5 * 7, 4 * 5 * 7}, Init.fans(Tensor.zeros(4, 3, 5, 7)));
        assertArrayEquals(new int[] {3, 4}, Init.fans(Tensor.zeros(4, 3)));
        assertThrows(IllegalArgumentException.class, () -> Init.fans(Tensor.zeros(4)));
    }

    @Test
    void kaimingBoundsAndVariances() {
        Tensor w = Tensor.zeros(DType.FLOAT64, 200, 300);
        Init.kaimingUniform(w, 0, FanMode.FAN_IN, Nonlinearity.RELU, Rng.seeded(1));
        double bound = Math.sqrt(2) * Math.sqrt(3.0 / 300);
        double[] s = stats(w);
        assertTrue(s[2] <= bound && s[2] > 0.999 * bound);
        assertEquals(2.0 / 300, s[1], 0.02 * 2.0 / 300);   // Var = gain^2 / fan_in
        assertEquals(0, s[0], 0.002);

        Init.kaimingNormal(w, 0, FanMode.FAN_OUT, Nonlinearity.RELU, Rng.seeded(2));
        s = stats(w);
        assertEquals(2.0 / 200, s[1], 0.02 * 2.0 / 200);
        assertEquals(0, s[0], 0.002);
        assertThrows(IllegalArgumentException.class,
                () -> Init.kaimingUniform(Tensor.zeros(3), 0, FanMode.FAN_IN, Nonlinearity.RELU, Rng.seeded(1)));
    }

    @Test
    void xavierBoundsAndVariances() {
        Tensor w = Tensor.zeros(DType.FLOAT64, 100, 400);
        Init.xavierUniform(w, 2.0, Rng.seeded(3));
        double a = 2.0 * Math.sqrt(6.0 / 500);
        double[] s = stats(w);
        assertTrue(s[2] <= a && s[2] > 0.999 * a);
        assertEquals(4.0 * 2 / 500, s[1], 0.02 * 8.0 / 500);
        Init.xavierNormal(w, 1.0, Rng.seeded(4));
        s = stats(w);
        assertEquals(2.0 / 500, s[1], 0.02 * 2.0 / 500);
    }

    @Test
    void uniformNormalConstant() {
        Tensor w = Tensor.zeros(100, 100);
        Init.uniform(w, 2, 4, Rng.seeded(5));
        double[] s = stats(w);
        assertEquals(3, s[0], 0.02);
        assertEquals(4.0 / 12, s[1], 0.01);
        Init.normal(w, -1, 0.5, Rng.seeded(6));
        s = stats(w);
        assertEquals(-1, s[0], 0.01);
        assertEquals(0.25, s[1], 0.01);
        Init.constant(w, 0.25);
        assertEquals(0.25 * 10000, w.sum().item(), 0);
        Init.zeros(w);
        assertEquals(0, w.sum().item(), 0);
        assertThrows(IllegalArgumentException.class, () -> Init.constant(Tensor.zeros(3, 2).t(), 1));
        assertThrows(IllegalArgumentException.class, () -> Init.constant(Tensor.of(new long[] {1}), 1));
        // determinism
        assertArrayEquals(Init.normal(Tensor.zeros(7), 0, 1, Rng.seeded(9)).toFloatArray(),
                Init.normal(Tensor.zeros(7), 0, 1, Rng.seeded(9)).toFloatArray());
        // works on a parameter that requires grad
        Tensor p = Tensor.zeros(3).requiresGrad(true);
        Init.ones(p);
        assertEquals(3, p.sum().item(), 0);
    }

    private static void assertGram(double[][] w, boolean rowsOrthogonal, double gain) {
        int r = w.length;
        int c = w[0].length;
        int n = rowsOrthogonal ? r : c;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int k = 0; k < (rowsOrthogonal ? c : r); k++) {
                    dot += rowsOrthogonal ? w[i][k] * w[j][k] : w[k][i] * w[k][j];
                }
                assertEquals(i == j ? gain * gain : 0, dot, 1e-12, "entry " + i + "," + j);
            }
        }
    }

    private static double[][] matrix(Tensor t) {
        int rows = t.shape()[0];
        int cols = t.numel() / rows;
        double[] v = t.toDoubleArray();
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(v, i * cols, m[i], 0, cols);
        }
        return m;
    }

    @Test
    void orthogonalGivesScaledOrthonormalRowsOrColumns() {
        Tensor tall = Init.orthogonal(Tensor.zeros(DType.FLOAT64, 6, 3), Math.sqrt(2), Rng.seeded(7));
        assertGram(matrix(tall), false, Math.sqrt(2));   // W^T W = 2 I
        Tensor wide = Init.orthogonal(Tensor.zeros(DType.FLOAT64, 3, 6), 0.01, Rng.seeded(8));
        assertGram(matrix(wide), true, 0.01);            // W W^T = 1e-4 I
        Tensor square = Init.orthogonal(Tensor.zeros(DType.FLOAT64, 5, 5), 1.0, Rng.seeded(9));
        assertGram(matrix(square), true, 1.0);
        assertGram(matrix(square), false, 1.0);
        Tensor conv = Init.orthogonal(Tensor.zeros(DType.FLOAT64, 4, 2, 3), 1.0, Rng.seeded(10));
        assertGram(matrix(conv), true, 1.0);             // viewed as [4, 6]
        Tensor f32 = Init.orthogonal(Tensor.zeros(8, 4), 1.0, Rng.seeded(11));
        double[][] m = matrix(f32);
        for (int i = 0; i < 4; i++) {
            double dot = 0;
            for (int k = 0; k < 8; k++) {
                dot += m[k][i] * m[k][i];
            }
            assertEquals(1, dot, 1e-6);
        }
        assertArrayEquals(tall.toDoubleArray(),
                Init.orthogonal(Tensor.zeros(DType.FLOAT64, 6, 3), Math.sqrt(2), Rng.seeded(7)).toDoubleArray());
        assertThrows(IllegalArgumentException.class, () -> Init.orthogonal(Tensor.zeros(3), 1, Rng.seeded(1)));
    }

    @Test
    void orthogonalSignCorrectionMakesDiagonalOfRPositive() {
        // With the sign fix, Q^T A = R has a positive diagonal, where A is the Gaussian matrix drawn
        // in row-major order from the same generator.
        Rng rng = Rng.seeded(12);
        double[][] a = new double[5][3];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 3; j++) {
                a[i][j] = rng.nextGaussian();
            }
        }
        double[][] q = matrix(Init.orthogonal(Tensor.zeros(DType.FLOAT64, 5, 3), 1.0, Rng.seeded(12)));
        for (int j = 0; j < 3; j++) {
            double rjj = 0;
            for (int k = 0; k < 5; k++) {
                rjj += q[k][j] * a[k][j];
            }
            assertTrue(rjj > 0, "R[" + j + "," + j + "] = " + rjj);
            for (int i = j + 1; i < 3; i++) {   // R is upper triangular: (Q^T A)[i][j] = 0 below the diagonal
                double below = 0;
                for (int k = 0; k < 5; k++) {
                    below += q[k][i] * a[k][j];
                }
                assertEquals(0, below, 1e-12);
            }
        }
    }
}
