package dev.heed.core.internal.kernel;

import org.apiguardian.api.API;

/**
 * Argument checks shared by the GEMM kernels, so a bad call fails with a message naming the
 * operand instead of an index error deep inside a micro-kernel. All checks are O(1).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class GemmArgs {

    private GemmArgs() {}

    /**
     * Checks the dimensions and that every element of {@code op(A)}, {@code op(B)} and {@code C}
     * lies inside its array.
     *
     * @throws IllegalArgumentException naming the offending operand
     */
    public static void check(String op, boolean transA, boolean transB, int m, int n, int k,
                             int aLen, int aOff, int lda, int bLen, int bOff, int ldb,
                             int cLen, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(op + ": m = " + m + ", n = " + n + ", k = " + k
                    + " — dimensions must not be negative");
        }
        if (m == 0 || n == 0) {
            return;
        }
        // A is stored m x k, or k x m when transposed.
        matrix(op, "A", transA ? k : m, transA ? m : k, aLen, aOff, lda);
        matrix(op, "B", transB ? n : k, transB ? k : n, bLen, bOff, ldb);
        matrix(op, "C", m, n, cLen, cOff, ldc);
    }

    /**
     * Checks the batch extent: the first and last product's operands lie inside their arrays.
     *
     * @throws IllegalArgumentException naming the offending operand
     */
    public static void checkBatched(String op, boolean transA, boolean transB, int m, int n, int k,
                                    int aLen, int aOff, int lda, long strideA,
                                    int bLen, int bOff, int ldb, long strideB,
                                    int cLen, int cOff, int ldc, long strideC, int batch) {
        if (batch < 0) {
            throw new IllegalArgumentException(op + ": batch = " + batch + " — must not be negative");
        }
        if (strideA < 0 || strideB < 0 || strideC < 0) {
            throw new IllegalArgumentException(op + ": strides (" + strideA + ", " + strideB + ", " + strideC
                    + ") must not be negative");
        }
        if (batch == 0) {
            return;
        }
        check(op, transA, transB, m, n, k, aLen, aOff, lda, bLen, bOff, ldb, cLen, cOff, ldc);
        long last = batch - 1L;
        check(op, transA, transB, m, n, k,
                aLen, offset(op, "A", aOff, strideA, last), lda,
                bLen, offset(op, "B", bOff, strideB, last), ldb,
                cLen, offset(op, "C", cOff, strideC, last), ldc);
    }

    /** @return {@code off + i * stride} as an int, or an exception naming the operand */
    public static int offset(String op, String name, int off, long stride, long i) {
        long o = off + i * stride;
        if (o < 0 || o > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": " + name + " offset " + off + " + " + i + " * " + stride
                    + " does not fit a Java array index");
        }
        return (int) o;
    }

    private static void matrix(String op, String name, int rows, int cols, int len, int off, int ld) {
        if (rows == 0 || cols == 0) {
            return;
        }
        if (ld < cols) {
            throw new IllegalArgumentException(op + ": " + name + " is stored " + rows + " x " + cols
                    + " but its leading dimension is " + ld + "; expected at least " + cols);
        }
        long last = (long) off + (long) (rows - 1) * ld + cols - 1;
        if (off < 0 || last >= len) {
            throw new IllegalArgumentException(op + ": " + name + " (" + rows + " x " + cols + ", offset " + off
                    + ", leading dimension " + ld + ") needs elements up to index " + last
                    + " but the array has length " + len);
        }
    }
}
