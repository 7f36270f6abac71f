package dev.heed.core;

import dev.heed.core.internal.kernel.KernelPool;
import dev.heed.core.internal.kernel.Kernels;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.apiguardian.api.API;

/**
 * Array-level access to core's tuned kernels for modules that write fused ops over raw arrays and
 * join them to autograd with {@link CustomOp} (for example blocked attention, which multiplies many
 * small tiles and cannot afford a tensor per tile).
 *
 * <p>Matrices are row-major, given by an array, an offset and a leading dimension (the distance
 * between the starts of two stored rows); {@code transA} means the stored matrix is
 * {@code k × m} and is read transposed. Arguments are not range-checked beyond what the JVM does:
 * an out-of-range offset throws {@link ArrayIndexOutOfBoundsException}. All methods are
 * thread-safe; results do not depend on the number of threads.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class BlockKernels {

    private BlockKernels() {}

    /**
     * {@code C = alpha · op(A) · op(B) + beta · C} in float32 with {@code op(A)} of shape
     * {@code m × k} and {@code op(B)} of shape {@code k × n}. With {@code beta == 0} the old contents
     * of C are ignored.
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
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                            int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        Loops.K.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * The float64 twin of {@link #gemm(boolean, boolean, int, int, int, float, float[], int, int, float[],
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
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int aOff,
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
}
