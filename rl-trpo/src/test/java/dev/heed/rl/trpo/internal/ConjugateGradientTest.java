package dev.heed.rl.trpo.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConjugateGradientTest {

    private static ConjugateGradient.Operator matrix(double[][] a) {
        return v -> {
            double[] out = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < v.length; j++) {
                    out[i] += a[i][j] * v[j];
                }
            }
            return out;
        };
    }

    @Test
    void solvesTwoByTwoSystemInTwoSteps() {
        // [[4, 1], [1, 3]] x = [1, 2] has the solution x = [1/11, 7/11] (Cramer's rule).
        ConjugateGradient.Result r = ConjugateGradient.solve(matrix(new double[][] {{4, 1}, {1, 3}}),
                new double[] {1, 2}, 10, 1e-20);
        assertArrayEquals(new double[] {1.0 / 11, 7.0 / 11}, r.x(), 1e-12);
        assertEquals(2, r.iterations());
        assertTrue(r.residualNorm() < 1e-10);
    }

    @Test
    void solvesTridiagonalSystemWithKnownSolution() {
        // The 1-D Laplacian tridiag(-1, 2, -1) is SPD; choose x* and set b = A x*.
        int n = 6;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            a[i][i] = 2;
            if (i > 0) {
                a[i][i - 1] = -1;
            }
            if (i < n - 1) {
                a[i][i + 1] = -1;
            }
        }
        double[] xStar = {1, -2, 3, 0.5, -1, 2};
        // b computed by hand from the stencil: b_i = 2x_i - x_{i-1} - x_{i+1}
        double[] b = {4, -8, 7.5, -1, -4.5, 5};
        ConjugateGradient.Result r = ConjugateGradient.solve(matrix(a), b, n, 0);
        assertArrayEquals(xStar, r.x(), 1e-10);
        assertTrue(r.iterations() <= n);
    }

    @Test
    void stopsAtMaxStepsAndReportsResidual() {
        double[][] a = {{10, 0, 0}, {0, 1, 0}, {0, 0, 0.1}};
        ConjugateGradient.Result r = ConjugateGradient.solve(matrix(a), new double[] {1, 1, 1}, 1, 0);
        assertEquals(1, r.iterations());
        // One step from x = 0 moves along b with alpha = bᵀb / bᵀAb = 3 / 11.1.
        double alpha = 3 / 11.1;
        assertArrayEquals(new double[] {alpha, alpha, alpha}, r.x(), 1e-14);
        double res = Math.sqrt(Math.pow(1 - 10 * alpha, 2) + Math.pow(1 - alpha, 2) + Math.pow(1 - 0.1 * alpha, 2));
        assertEquals(res, r.residualNorm(), 1e-12);
    }

    @Test
    void zeroRightHandSideGivesZeroWithoutCallingTheOperator() {
        ConjugateGradient.Result r = ConjugateGradient.solve(v -> {
            throw new AssertionError("operator must not be called");
        }, new double[3], 15, 1e-10);
        assertArrayEquals(new double[3], r.x());
        assertEquals(0, r.iterations());
    }

    @Test
    void rejectsBadInput() {
        ConjugateGradient.Operator id = double[]::clone;
        assertThrows(IllegalArgumentException.class, () -> ConjugateGradient.solve(id, new double[] {1}, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> ConjugateGradient.solve(id, new double[] {1}, 1, -1));
        assertThrows(IllegalArgumentException.class,
                () -> ConjugateGradient.solve(v -> new double[2], new double[] {1}, 1, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConjugateGradient.solve(v -> new double[] {-v[0]}, new double[] {1}, 1, 0));
        assertTrue(e.getMessage().contains("cg_damping"), e.getMessage());
    }
}
