package dev.heed.core;

import dev.heed.core.internal.kernel.KernelPool;
import dev.heed.core.internal.kernel.Kernels;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.apiguardian.api.API;

/**
 * Matrix products on caller-owned row-major arrays, for hand-fused passes that reuse their buffers
 * (reinforcement-learning update loops run tens of thousands of small products, where allocating
 * and copying the tensors of {@link Tensor#matmul} costs as much as the arithmetic). The same
 * kernels, threads and summation order as {@link Tensor#matmul}, so a product computed here has
 * the same bits as the tensor product of the same operands.
 *
 * <p>Also array-level access for modules that write fused ops over raw arrays and join them to
 * autograd with {@link CustomOp} (blocked attention multiplies many small tiles and cannot afford
 * a tensor per tile): products that accumulate ({@code alpha}, {@code beta}), the elementwise
 * exponential, and the kernel thread pool.
 *
 * <p>Thread-safe as long as no other thread writes the arrays during a call; results do not
 * depend on the number of threads.
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

    /**
     * {@code C = alpha · op(A) · op(B) + beta · C} in float32 with {@code op(A)} of shape
     * {@code m × k} and {@code op(B)} of shape {@code k × n}, accumulating into C (for blocked
     * algorithms that sum tiles). With {@code beta == 0} the old contents of C are ignored.
     * Operands are range-checked by the kernel ({@link IllegalArgumentException}).
     *
     * @param transA read A transposed
     * @param transB read B transposed
     * @param m rows of C
     * @param n columns of C
     * @param k inner dimension
     * @param alpha product factor
     * @param a A values
     * @param aOff first element of A
     * @param lda leading dimension of A as stored
     * @param b B values
     * @param bOff first element of B
     * @param ldb leading dimension of B as stored
     * @param beta factor of the old C
     * @param c C values (written)
     * @param cOff first element of C
     * @param ldc leading dimension of C
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                            int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        Loops.K.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * The float64 twin of {@link #sgemm(boolean, boolean, int, int, int, float, float[], int, int, float[],
     * int, int, float, float[], int, int)}.
     *
     * @param transA read A transposed
     * @param transB read B transposed
     * @param m rows of C
     * @param n columns of C
     * @param k inner dimension
     * @param alpha product factor
     * @param a A values
     * @param aOff first element of A
     * @param lda leading dimension of A as stored
     * @param b B values
     * @param bOff first element of B
     * @param ldb leading dimension of B as stored
     * @param beta factor of the old C
     * @param c C values (written)
     * @param cOff first element of C
     * @param ldc leading dimension of C
     */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int aOff,
                            int lda, double[] b, int bOff, int ldb, double beta, double[] c, int cOff, int ldc) {
        Loops.K.dgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * In-place {@code x[i] = exp(x[i])} over {@code n} contiguous elements (vectorised; {@code -inf}
     * gives 0).
     *
     * @param x values
     * @param off first element
     * @param n count
     */
    public static void exp(float[] x, int off, int n) {
        Loops.K.unary(Kernels.UnaryOp.EXP, x, off, x, off, n);
    }

    /**
     * The float64 twin of {@link #exp(float[], int, int)}.
     *
     * @param x values
     * @param off first element
     * @param n count
     */
    public static void exp(double[] x, int off, int n) {
        Loops.K.unary(Kernels.UnaryOp.EXP, x, off, x, off, n);
    }

    /**
     * In-place float32 softmax of {@code scale} times {@code rows} contiguous rows of length
     * {@code n} from {@code x[off]}, each over its first {@code L(r)} entries, the rest becoming 0:
     * {@code L(r) = n} when {@code period <= 0}, else {@code clamp(firstLimit + r mod period, 0, n)}
     * (a causal mask repeating every {@code period} rows; {@code firstLimit = 1, period = n} is
     * the usual lower triangle of square blocks). A row that keeps no entry, or whose kept entries
     * are all {@code -inf}, becomes zeros. The kernel of float32
     * {@link Tensor#scaledMaskedSoftmax}: the same exponentials and summation order, so results do
     * not depend on threads or process.
     *
     * @param x values, overwritten by the weights
     * @param off first element
     * @param rows number of rows, ≥ 0
     * @param n row length, ≥ 0
     * @param scale positive finite factor applied to the values first
     * @param firstLimit kept entries of row 0 when {@code period > 0}
     * @param period rows after which the mask repeats; ≤ 0 for no mask
     * @throws IllegalArgumentException if a size is negative, the rows do not fit {@code x}, or the
     *     scale is not positive and finite
     */
    public static void softmaxRows(float[] x, int off, int rows, int n, float scale, int firstLimit, int period) {
        checkRows("softmaxRows", "x", x.length, off, rows, n);
        Loops.K.softmaxRows(x, off, x, off, rows, n, scale, firstLimit, period);
    }

    /**
     * Backward of {@link #softmaxRows} in place: for each row, with {@code y} the weights and
     * {@code g} the gradient of the weights, {@code g_j ← scale · y_j (g_j − Σ_i y_i g_i)}, the
     * gradient of the unscaled values (entries the mask zeroed have {@code y = 0} and get 0).
     *
     * @param y the weights {@link #softmaxRows} produced
     * @param yOff first weight
     * @param g gradient of the weights, overwritten by the gradient of the scores
     * @param gOff first gradient element
     * @param rows number of rows, ≥ 0
     * @param n row length, ≥ 0
     * @param scale the factor {@link #softmaxRows} applied
     * @throws IllegalArgumentException if a size is negative or the rows do not fit an array
     */
    public static void softmaxRowsBackward(float[] y, int yOff, float[] g, int gOff, int rows, int n, float scale) {
        checkRows("softmaxRowsBackward", "y", y.length, yOff, rows, n);
        checkRows("softmaxRowsBackward", "g", g.length, gOff, rows, n);
        Loops.K.softmaxRowsBackward(y, yOff, g, gOff, g, gOff, rows, n, scale);
    }

    /**
     * In-place float32 softmax down the columns of the {@code rows × cols} block at {@code x[off]}
     * (row stride {@code cols}): the transpose of {@link #softmaxRows}, with the same limit rule
     * applied to the column index ({@code L(c)} rows of column {@code c} are kept, the rest become
     * 0). For short rows, such as attention scores stored keys × queries, it is much faster than
     * the row softmax: it needs no horizontal reduction. A column's sum runs in row order, so the
     * bits are the same on every backend, thread count and process.
     *
     * @param x values, overwritten by the weights
     * @param off first element
     * @param rows number of rows, ≥ 0
     * @param cols number of columns (the row stride), ≥ 0
     * @param scale positive finite factor applied to the values first
     * @param firstLimit kept rows of column 0 when {@code period > 0}
     * @param period columns after which the mask repeats; ≤ 0 for no mask
     * @throws IllegalArgumentException if a size is negative, the block does not fit {@code x}, or
     *     the scale is not positive and finite
     */
    public static void softmaxColumns(float[] x, int off, int rows, int cols, float scale, int firstLimit,
                                      int period) {
        checkRows("softmaxColumns", "x", x.length, off, rows, cols);
        Loops.K.softmaxColumns(x, off, rows, cols, scale, firstLimit, period);
    }

    /**
     * Backward of {@link #softmaxColumns} in place: for each column, with {@code y} the weights and
     * {@code g} their gradient, {@code g_r ← scale · y_r (g_r − Σ_i y_i g_i)}.
     *
     * @param y the weights {@link #softmaxColumns} produced
     * @param yOff first weight
     * @param g gradient of the weights, overwritten by the gradient of the unscaled values
     * @param gOff first gradient element
     * @param rows number of rows, ≥ 0
     * @param cols number of columns, ≥ 0
     * @param scale the factor {@link #softmaxColumns} applied
     * @throws IllegalArgumentException if a size is negative or the block does not fit an array
     */
    public static void softmaxColumnsBackward(float[] y, int yOff, float[] g, int gOff, int rows, int cols,
                                              float scale) {
        checkRows("softmaxColumnsBackward", "y", y.length, yOff, rows, cols);
        checkRows("softmaxColumnsBackward", "g", g.length, gOff, rows, cols);
        Loops.K.softmaxColumnsBackward(y, yOff, g, gOff, rows, cols, scale);
    }

    private static void checkRows(String op, String name, int length, int off, int rows, int n) {
        if (rows < 0 || n < 0) {
            throw new IllegalArgumentException("Blas." + op + ": rows = " + rows + ", n = " + n + " — expected both ≥ 0");
        }
        if (off < 0 || off + (long) rows * n > length) {
            throw new IllegalArgumentException("Blas." + op + ": " + rows + " rows of " + n + " from " + name + "[" + off
                    + "] do not fit its " + length + " elements — check the offset and sizes");
        }
    }

    /** @return the most threads {@link #parallelFor} uses (the {@code heed.threads} setting) */
    public static int threads() {
        return Loops.K.threads();
    }

    /**
     * Runs {@code body.accept(t)} for every {@code t} in {@code [0, tasks)} on the calling thread and
     * core's kernel workers, returning when all are done. Tasks must write disjoint outputs; kernel
     * calls made inside a task run on that task's thread. With one kernel thread everything runs on
     * the caller, in order.
     *
     * @param tasks number of independent pieces, at least 1
     * @param body the work of one piece
     * @throws IllegalArgumentException if {@code tasks < 1}
     * @throws NullPointerException if {@code body} is null
     */
    public static void parallelFor(int tasks, IntConsumer body) {
        Objects.requireNonNull(body, "parallelFor: body");
        if (tasks < 1) {
            throw new IllegalArgumentException("parallelFor: tasks = " + tasks + ", expected at least 1");
        }
        if (threads() <= 1) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        KernelPool.run(tasks, body);
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
