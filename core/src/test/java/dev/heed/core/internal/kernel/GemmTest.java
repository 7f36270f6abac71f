package dev.heed.core.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.heed.core.Rng;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both backends against an independent float64 reference: a textbook triple loop written here
 * from the definition C = alpha * op(A) * op(B) + beta * C, reading the stored operands by their
 * own index formulas.
 */
class GemmTest {

    static Stream<String> backends() {
        return Stream.of("plain", "vector");
    }

    /** A stored matrix with guard cells around and between its rows. */
    static final class Stored {
        final int rows;
        final int cols;
        final int off;
        final int ld;
        final double[] data;

        Stored(Rng rng, int rows, int cols, int off, int extraLd) {
            this.rows = rows;
            this.cols = cols;
            this.off = off;
            this.ld = cols + extraLd;
            this.data = new double[off + Math.max(0, rows - 1) * ld + cols + 3];
            for (int i = 0; i < data.length; i++) {
                // Multiples of 1/64 keep products of few terms exact, so f64 paths compare tightly.
                data[i] = (rng.nextInt(257) - 128) / 64.0;
            }
        }

        double at(int r, int c) {
            return data[off + r * ld + c];
        }

        float[] f32() {
            float[] f = new float[data.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) data[i];
            }
            return f;
        }

        boolean inside(int idx) {
            int rel = idx - off;
            return rel >= 0 && rel / ld < rows && rel % ld < cols;
        }
    }

    /** The reference and an error bound per element of C. */
    static double[][] reference(boolean tA, boolean tB, int m, int n, int k, double alpha,
                                Stored a, Stored b, double beta, Stored c) {
        double[] ref = new double[m * n];
        double[] mag = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                double g = 0;
                for (int p = 0; p < k; p++) {
                    double av = tA ? a.at(p, i) : a.at(i, p);
                    double bv = tB ? b.at(j, p) : b.at(p, j);
                    s += av * bv;
                    g += Math.abs(av * bv);
                }
                double old = beta == 0 ? 0 : beta * c.at(i, j);
                ref[i * n + j] = alpha * s + old;
                mag[i * n + j] = Math.abs(alpha) * g + Math.abs(old);
            }
        }
        return new double[][] {ref, mag};
    }

    private static void runCase(String backend, int threads, Rng rng, boolean tA, boolean tB,
                                int m, int n, int k, double alpha, double beta, boolean f64) {
        Kernels kern = KernelBackends.create(backend, threads);
        int offA = rng.nextInt(5);
        int offB = rng.nextInt(5);
        int offC = rng.nextInt(5);
        Stored a = tA ? new Stored(rng, k, m, offA, rng.nextInt(3)) : new Stored(rng, m, k, offA, rng.nextInt(3));
        Stored b = tB ? new Stored(rng, n, k, offB, rng.nextInt(3)) : new Stored(rng, k, n, offB, rng.nextInt(3));
        Stored c = new Stored(rng, m, n, offC, rng.nextInt(3));
        if (beta == 0) {
            // beta = 0 must ignore whatever C held, NaN included.
            for (int i = 0; i < m; i++) {
                c.data[c.off + i * c.ld] = Double.NaN;
            }
        }
        double[][] rm = reference(tA, tB, m, n, k, alpha, a, b, beta, c);
        double[] got = new double[c.data.length];
        double eps;
        if (f64) {
            double[] cd = c.data.clone();
            kern.dgemm(tA, tB, m, n, k, alpha, a.data, a.off, a.ld, b.data, b.off, b.ld, beta, cd, c.off, c.ld);
            got = cd;
            eps = Math.ulp(1.0);
        } else {
            float[] cf = c.f32();
            kern.sgemm(tA, tB, m, n, k, (float) alpha, a.f32(), a.off, a.ld, b.f32(), b.off, b.ld,
                    (float) beta, cf, c.off, c.ld);
            for (int i = 0; i < cf.length; i++) {
                got[i] = cf[i];
            }
            eps = Math.ulp(1.0f);
        }
        String where = backend + "/" + threads + (f64 ? " f64" : " f32") + " tA=" + tA + " tB=" + tB
                + " m=" + m + " n=" + n + " k=" + k + " alpha=" + alpha + " beta=" + beta;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double want = rm[0][i * n + j];
                double tol = (k + 3) * eps * rm[1][i * n + j] + 1e-30;
                double have = got[c.off + i * c.ld + j];
                if (!(Math.abs(have - want) <= tol)) {
                    fail(where + ": C[" + i + "][" + j + "] = " + have + ", expected " + want + " ± " + tol);
                }
            }
        }
        for (int idx = 0; idx < got.length; idx++) {
            if (!c.inside(idx)) {
                double was = f64 ? c.data[idx] : (float) c.data[idx];
                if (Double.doubleToLongBits(got[idx]) != Double.doubleToLongBits(was)) {
                    fail(where + ": guard cell " + idx + " outside C changed from " + was + " to " + got[idx]);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void tinyOddAndEdgeShapesAllTransposes(String backend) {
        Rng rng = Rng.seeded(101);
        int[] dims = {1, 2, 3, 5, 7, 16, 17, 33};
        for (boolean tA : new boolean[] {false, true}) {
            for (boolean tB : new boolean[] {false, true}) {
                for (int trial = 0; trial < 30; trial++) {
                    int m = dims[rng.nextInt(dims.length)];
                    int n = dims[rng.nextInt(dims.length)];
                    int k = dims[rng.nextInt(dims.length)];
                    double beta = trial % 3 == 0 ? 0 : trial % 3 == 1 ? 1 : -0.5;
                    double alpha = trial % 2 == 0 ? 1 : 0.75;
                    runCase(backend, 1, rng, tA, tB, m, n, k, alpha, beta, trial % 4 == 1);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shapesThatCrossBlockBoundaries(String backend) {
        Rng rng = Rng.seeded(202);
        // k beyond one 256-deep chunk, m beyond one 128-row block and over the direct-B limit,
        // n with ragged last panels for 16- and 32-wide panels.
        // n = 350 takes the packed-A path of both float widths; k = 1100 and 1300 take the deep
        // float32 chunks (512, 512, then a partial one) on the six-row and the four-row kernels.
        int[][] shapes = {{131, 45, 300}, {70, 97, 257}, {9, 130, 40}, {64, 64, 32}, {200, 33, 513}, {127, 350, 270},
            {70, 97, 1100}, {9, 40, 1300}};
        int idx = 0;
        for (int[] s : shapes) {
            for (boolean tA : new boolean[] {false, true}) {
                for (boolean tB : new boolean[] {false, true}) {
                    idx++;
                    runCase(backend, 1, rng, tA, tB, s[0], s[1], s[2], idx % 2 == 0 ? 1 : -1.25,
                            idx % 3 == 0 ? 0 : 0.5, idx % 2 == 1);
                }
            }
        }
    }

    /**
     * Attention's tile products: full register tiles with alpha = 1 that overwrite C (beta = 0, over
     * NaN) or add to it (beta = 1), short k (1, 32) and k beyond one chunk, next to ragged edges
     * (37 rows, 45 columns) and other factors, every transpose, against the float64 reference.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void tileProductsStoreOrAddTheirSums(String backend) {
        Rng rng = Rng.seeded(707);
        int[][] shapes = {{64, 64, 32}, {64, 32, 64}, {37, 45, 32}, {64, 64, 1}, {24, 64, 600}};
        double[][] factors = {{1, 0}, {1, 1}, {0.5, 1}, {1, -0.5}};
        int idx = 0;
        for (int[] s : shapes) {
            for (double[] f : factors) {
                for (boolean tA : new boolean[] {false, true}) {
                    for (boolean tB : new boolean[] {false, true}) {
                        runCase(backend, 1, rng, tA, tB, s[0], s[1], s[2], f[0], f[1], idx++ % 2 == 1);
                    }
                }
            }
        }
    }

    /**
     * A transposed B (stored n x k) is packed into two-vector panels by square blocks transposed in
     * registers, with the columns and depths beyond whole blocks copied one by one: every panel edge
     * width (n from 1 to two 32-wide panels and one more), depths below, at and just past one and two
     * blocks of 8 and 16 lanes, and a depth past one k chunk (the second chunk starts mid-row),
     * both widths, against the float64 reference.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void transposedBPanelsOfEveryEdgeWidth(String backend) {
        Rng rng = Rng.seeded(808);
        int[] depths = {7, 8, 16, 17, 31, 32, 33, 300};
        int idx = 0;
        for (int n = 1; n <= 65; n++) {
            for (int k : depths) {
                if (k == 300 && n % 8 != 1 && n != 32 && n != 64) {
                    continue;
                }
                idx++;
                runCase(backend, 1, rng, idx % 5 == 0, true, 6 + idx % 3, n, k, idx % 2 == 0 ? 1 : 0.75,
                        idx % 3 == 0 ? 0 : 0.5, idx % 2 == 1);
                runCase(backend, 1, rng, false, true, 5, n, k, 1, 0, idx % 2 == 0);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void narrowProductsOfPolicyAndValueHeads(String backend) {
        Rng rng = Rng.seeded(606);
        // Few columns: action heads, value heads and their weight gradients (A transposed).
        int[][] shapes = {{64, 1, 64}, {64, 4, 64}, {100, 3, 37}, {40, 8, 300}, {33, 2, 17}};
        int idx = 0;
        for (int[] s : shapes) {
            for (boolean tA : new boolean[] {false, true}) {
                for (boolean tB : new boolean[] {false, true}) {
                    idx++;
                    runCase(backend, 1, rng, tA, tB, s[0], s[1], s[2], idx % 2 == 0 ? 1 : 0.5,
                            idx % 3 == 0 ? 0 : -1, idx % 2 == 1);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void wideProductCrossesColumnBlocksAndUsesThreads(String backend) {
        Rng rng = Rng.seeded(303);
        runCase(backend, 2, rng, false, false, 67, 2100, 120, 1, 0, false);
        runCase(backend, 2, rng, true, true, 67, 2100, 120, 1, 0.5, true);
        runCase(backend, 2, rng, false, true, 300, 130, 210, 1, 0, false);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void kZeroScalesCByBeta(String backend) {
        Kernels kern = KernelBackends.create(backend, 1);
        float[] c = {1, 2, 3, 4, Float.NaN, 6};
        kern.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0.5f, c, 0, 3);
        assertArrayEquals(new float[] {0.5f, 1f, 3, 2f, Float.NaN, 6}, c);
        double[] d = {Double.NaN, 2, 3, 4};
        kern.dgemm(false, false, 2, 2, 0, 1, new double[0], 0, 1, new double[0], 0, 2, 0, d, 0, 2);
        assertArrayEquals(new double[] {0, 0, 0, 0}, d);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void handWorkedProduct(String backend) {
        Kernels kern = KernelBackends.create(backend, 1);
        // [1 2; 3 4] @ [5 6; 7 8] = [19 22; 43 50]; with alpha 2, beta 1 over C = [1 1; 1 1].
        float[] c = {1, 1, 1, 1};
        kern.sgemm(false, false, 2, 2, 2, 2f, new float[] {1, 2, 3, 4}, 0, 2, new float[] {5, 6, 7, 8}, 0, 2, 1f, c, 0, 2);
        assertArrayEquals(new float[] {39, 45, 87, 101}, c);
        // A^T @ B^T with A stored [1 3; 2 4] and B stored [5 7; 6 8] is the same product.
        double[] d = new double[4];
        kern.dgemm(true, true, 2, 2, 2, 1, new double[] {1, 3, 2, 4}, 0, 2, new double[] {5, 7, 6, 8}, 0, 2, 0, d, 0, 2);
        assertArrayEquals(new double[] {19, 22, 43, 50}, d);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void batchedWithBroadcastOperands(String backend) {
        Rng rng = Rng.seeded(404);
        for (int threads : new int[] {1, 2}) {
            // Attention-like shapes; the low threshold makes 2 threads split these batches.
            checkBatched(backend, threads, rng, 64, 64, 32, 12, false, true, false, false, 0.0);
            checkBatched(backend, threads, rng, 17, 9, 5, 7, true, false, true, false, 0.5);
            checkBatched(backend, threads, rng, 64, 32, 64, 9, false, false, false, true, 1.0);
        }
    }

    private static void checkBatched(String backend, int threads, Rng rng, int m, int n, int k, int batch,
                                     boolean tA, boolean tB, boolean broadcastA, boolean broadcastB, double beta) {
        Kernels kern = KernelBackends.create(backend, threads, 300_000);
        int aSize = m * k;
        int bSize = k * n;
        int cSize = m * n;
        int offA = 3;
        int offB = 1;
        int offC = 2;
        long sA = broadcastA ? 0 : aSize + 1;
        long sB = broadcastB ? 0 : bSize + 2;
        long sC = cSize + 3;
        double[] a = new double[offA + (int) (sA * (batch - 1)) + aSize];
        double[] b = new double[offB + (int) (sB * (batch - 1)) + bSize];
        double[] c = new double[offC + (int) (sC * (batch - 1)) + cSize];
        for (double[] arr : new double[][] {a, b, c}) {
            for (int i = 0; i < arr.length; i++) {
                arr[i] = (rng.nextInt(129) - 64) / 32.0;
            }
        }
        int lda = tA ? m : k;
        int ldb = tB ? k : n;
        float[] af = toF(a);
        float[] bf = toF(b);
        float[] cf = toF(c);
        double[] cd = c.clone();
        kern.sgemmBatched(tA, tB, m, n, k, 1f, af, offA, lda, sA, bf, offB, ldb, sB, (float) beta, cf, offC, n, sC, batch);
        kern.dgemmBatched(tA, tB, m, n, k, 1, a, offA, lda, sA, b, offB, ldb, sB, beta, cd, offC, n, sC, batch);
        for (int q = 0; q < batch; q++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    double g = 0;
                    for (int p = 0; p < k; p++) {
                        double av = a[(int) (offA + q * sA) + (tA ? p * lda + i : i * lda + p)];
                        double bv = b[(int) (offB + q * sB) + (tB ? j * ldb + p : p * ldb + j)];
                        s += av * bv;
                        g += Math.abs(av * bv);
                    }
                    int ci = (int) (offC + q * sC) + i * n + j;
                    double want = s + beta * c[ci];
                    double tol = (k + 3) * (g + Math.abs(beta * c[ci])) * Math.ulp(1.0f);
                    assertTrue(Math.abs(cf[ci] - want) <= tol, () -> backend + " batched f32 " + ci + ": " + cf[ci] + " vs " + want);
                    assertEquals(want, cd[ci], (k + 3) * (g + 1) * Math.ulp(1.0), () -> backend + " batched f64 " + ci);
                }
            }
        }
        // Cells between the products are untouched.
        for (int q = 0; q < batch - 1; q++) {
            for (int g = cSize; g < sC; g++) {
                int ci = (int) (offC + q * sC) + g;
                assertEquals((float) c[ci], cf[ci], "gap cell " + ci);
            }
        }
    }

    private static float[] toF(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void resultsAreBitIdenticalForEveryThreadCount(String backend) {
        Rng rng = Rng.seeded(505);
        int m = 131;
        int n = 333;
        int k = 150;
        float[] a = new float[m * k];
        float[] b = new float[n * k];
        double[] ad = new double[m * k];
        double[] bd = new double[n * k];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.nextGaussian();
            ad[i] = rng.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rng.nextGaussian();
            bd[i] = rng.nextGaussian();
        }
        // Single products above this threshold are cut over threads; the small batched products
        // below it are spread over threads by batch.
        long threshold = 2L * 29 * 26 * 29 + 1;
        float[] c1 = null;
        double[] d1 = null;
        float[] bc1 = null;
        float[] nt1 = null;
        float[] nn1 = null;
        double[] dt1 = null;
        for (int threads = 1; threads <= 3; threads++) {
            Kernels kern = KernelBackends.create(backend, threads, threshold);
            float[] c = new float[m * n];
            double[] d = new double[m * n];
            kern.sgemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, c, 0, n);
            kern.dgemm(true, false, m, n, k, 1, ad, 0, m, bd, 0, n, 0, d, 0, n);
            double[] dt = new double[m * n];
            kern.dgemm(false, true, m, n, k, 1, ad, 0, k, bd, 0, k, 0, dt, 0, n);
            float[] bc = new float[20 * 29 * 26];
            kern.sgemmBatched(false, false, 29, 26, 29, 1f, a, 0, 29, 29 * 29, b, 0, 26, 26 * 29, 0f, bc, 0, 26, 29 * 26, 20);
            // Narrow products (3 columns) whose rows are cut over threads, A transposed or not.
            float[] nt = new float[131 * 3];
            kern.sgemm(true, false, 131, 3, 150, 1f, a, 0, 131, b, 0, 3, 0f, nt, 0, 3);
            float[] nn = new float[131 * 3];
            kern.sgemm(false, true, 131, 3, 150, 1f, a, 0, 150, b, 0, 150, 0f, nn, 0, 3);
            if (threads == 1) {
                c1 = c;
                d1 = d;
                bc1 = bc;
                nt1 = nt;
                nn1 = nn;
                dt1 = dt;
            } else {
                assertArrayEquals(dt1, dt, backend + " dgemm of a transposed B with " + threads + " threads");
                assertArrayEquals(nt1, nt, backend + " narrow A^T product with " + threads + " threads");
                assertArrayEquals(nn1, nn, backend + " narrow product with " + threads + " threads");
                assertArrayEquals(c1, c, backend + " sgemm with " + threads + " threads");
                assertArrayEquals(d1, d, backend + " dgemm with " + threads + " threads");
                assertArrayEquals(bc1, bc, backend + " sgemmBatched with " + threads + " threads");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void badArgumentsNameTheOperand(String backend) {
        Kernels kern = KernelBackends.create(backend, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kern.sgemm(false, false, 2, 2, 3, 1f, new float[6], 0, 2, new float[6], 0, 2, 0f, new float[4], 0, 2));
        assertTrue(e.getMessage().contains("sgemm") && e.getMessage().contains("A") && e.getMessage().contains("leading dimension"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> kern.dgemm(false, false, 2, 2, 2, 1, new double[4], 0, 2, new double[4], 0, 2, 0, new double[3], 0, 2));
        assertTrue(e.getMessage().contains("C") && e.getMessage().contains("length 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> kern.sgemm(false, false, -1, 2, 2, 1f, new float[4], 0, 2, new float[4], 0, 2, 0f, new float[4], 0, 2));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> kern.sgemmBatched(false, false, 2, 2, 2, 1f, new float[8], 0, 2, 4, new float[4], 0, 2, 0,
                        0f, new float[8], 0, 2, 4, 3));
        assertTrue(e.getMessage().contains("sgemmBatched"), e.getMessage());
        assertFalse(e.getMessage().isEmpty());
    }

    @Test
    void unknownBackendIsRejectedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelBackends.create("blas", 1));
        assertTrue(e.getMessage().contains("'plain' or 'vector'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelBackends.create("plain", 0));
        assertThrows(IllegalArgumentException.class, () -> KernelBackends.create("vector", 0));
        assertThrows(IllegalArgumentException.class, () -> KernelBackends.create("vector", 1, -1));
    }
}
