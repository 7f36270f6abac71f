package dev.heed.core;

import org.apiguardian.api.API;

/**
 * Matrix products on caller-owned row-major arrays, for hand-fused passes that reuse their buffers
 * (reinforcement-learning update loops run tens of thousands of small products, where allocating
 * and copying the tensors of {@link Tensor#matmul} costs as much as the arithmetic). The same
 * kernels, threads and summation order as {@link Tensor#matmul}, so a product computed here has
 * the same bits as the tensor product of the same operands.
 *
 * <p>Thread-safe as long as no other thread writes the arrays during a call.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Blas {

    private Blas() {}

    /**
     * {@code C = op(A)·op(B)} in float32, overwriting the {@code m × n} block of C (NaN in the old
     * contents of C does not propagate). {@code op(A)} is {@code m × k}: A is stored {@code m × k}
     * with row stride {@code lda}, or, when {@code transA}, {@code k × m}; likewise B is
     * {@code k × n} or, when {@code transB}, {@code n × k}.
     *
     * @param transA whether A is stored transposed
     * @param transB whether B is stored transposed
     * @param m rows of C, ≥ 0
     * @param n columns of C, ≥ 0
     * @param k inner dimension, ≥ 0
     * @param a A's values
     * @param aOff index of A's first element
     * @param lda A's row stride (≥ its stored row length)
     * @param b B's values
     * @param bOff index of B's first element
     * @param ldb B's row stride
     * @param c C's values, written
     * @param cOff index of C's first element
     * @param ldc C's row stride (≥ n)
     * @throws IllegalArgumentException if a size is negative, a stride is shorter than its row, or an
     *     operand does not fit its array
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
            float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        check(transA, transB, m, n, k, a.length, aOff, lda, b.length, bOff, ldb, c.length, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        Loops.K.sgemm(transA, transB, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, 0f, c, cOff, ldc);
    }

    /**
     * The float64 twin of {@link #sgemm}.
     *
     * @param transA whether A is stored transposed
     * @param transB whether B is stored transposed
     * @param m rows of C
     * @param n columns of C
     * @param k inner dimension
     * @param a A's values
     * @param aOff index of A's first element
     * @param lda A's row stride
     * @param b B's values
     * @param bOff index of B's first element
     * @param ldb B's row stride
     * @param c C's values, written
     * @param cOff index of C's first element
     * @param ldc C's row stride
     * @throws IllegalArgumentException as {@link #sgemm}
     */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k, double[] a, int aOff, int lda,
            double[] b, int bOff, int ldb, double[] c, int cOff, int ldc) {
        check(transA, transB, m, n, k, a.length, aOff, lda, b.length, bOff, ldb, c.length, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        Loops.K.dgemm(transA, transB, m, n, k, 1.0, a, aOff, lda, b, bOff, ldb, 0.0, c, cOff, ldc);
    }

    private static void check(boolean transA, boolean transB, int m, int n, int k, int aLen, int aOff, int lda,
            int bLen, int bOff, int ldb, int cLen, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("Blas.gemm: sizes m=" + m + ", n=" + n + ", k=" + k
                    + " — expected all ≥ 0");
        }
        fits("A", transA ? k : m, transA ? m : k, aLen, aOff, lda);
        fits("B", transB ? n : k, transB ? k : n, bLen, bOff, ldb);
        fits("C", m, n, cLen, cOff, ldc);
    }

    private static void fits(String name, int rows, int cols, int len, int off, int ld) {
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("Blas.gemm: " + name + " is stored " + rows + " x " + cols
                    + " but its row stride is " + ld + "; expected ≥ " + Math.max(1, cols));
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        long last = (long) off + (long) (rows - 1) * ld + cols - 1;
        if (off < 0 || last >= len) {
            throw new IllegalArgumentException("Blas.gemm: " + name + " (" + rows + " x " + cols + ", offset " + off
                    + ", row stride " + ld + ") needs elements up to index " + last + " but its array has " + len
                    + "; check the sizes and the offset");
        }
    }
}
