package dev.heed.core.internal.kernel;

import org.apiguardian.api.API;

/**
 * The compute kernels every tensor op bottoms out in. One instance per process is chosen at
 * start-up by {@link KernelBackends#get()}: the Vector API backend when {@code jdk.incubator.vector}
 * is in the boot layer, otherwise the plain-Java fallback.
 *
 * <p>All arrays are row-major. A matrix operand is described by an array, an offset and a leading
 * dimension (the distance between the starts of two consecutive rows as stored). {@code transA}
 * means the stored matrix is {@code k x m} and is read transposed, so a transposed view never
 * needs a copy. Implementations are thread-safe and may use the shared kernel thread pool for
 * large problems; results must not depend on the number of threads (each output element is
 * reduced in the same order whatever the split).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface Kernels {

    /** @return a short name for logs and benchmark reports, e.g. {@code "vector-512"} */
    String name();

    /** @return the most threads one call may use (1 means every call runs on the calling thread) */
    int threads();

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} in float32, with {@code op(A)} of shape
     * {@code m x k} and {@code op(B)} of shape {@code k x n}. When {@code beta == 0} the old
     * contents of C are ignored (NaN in C does not propagate).
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float alpha, float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /** The float64 twin of {@link #sgemm}. */
    void dgemm(boolean transA, boolean transB, int m, int n, int k,
               double alpha, double[] a, int aOff, int lda,
               double[] b, int bOff, int ldb,
               double beta, double[] c, int cOff, int ldc);

    /**
     * {@code batch} independent float32 products; product {@code i} reads A at
     * {@code aOff + i * strideA}, B at {@code bOff + i * strideB} and writes C at
     * {@code cOff + i * strideC}. A stride of 0 broadcasts one operand over the batch.
     * Implementations parallelise over the batch when the products are small.
     */
    void sgemmBatched(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda, long strideA,
                      float[] b, int bOff, int ldb, long strideB,
                      float beta, float[] c, int cOff, int ldc, long strideC, int batch);

    /** The float64 twin of {@link #sgemmBatched}. */
    void dgemmBatched(boolean transA, boolean transB, int m, int n, int k,
                      double alpha, double[] a, int aOff, int lda, long strideA,
                      double[] b, int bOff, int ldb, long strideB,
                      double beta, double[] c, int cOff, int ldc, long strideC, int batch);

    // ---- contiguous elementwise kernels (out may alias an input) -----------------------------

    /** Elementwise binary op over {@code n} contiguous elements: {@code out[i] = op(x[i], y[i])}. */
    void binary(BinaryOp op, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /** The float64 twin of {@link #binary(BinaryOp, float[], int, float[], int, float[], int, int)}. */
    void binary(BinaryOp op, double[] x, int xOff, double[] y, int yOff, double[] out, int outOff, int n);

    /**
     * Elementwise unary op over {@code n} contiguous elements: {@code out[i] = op(x[i])}. EXP, LOG,
     * TANH and SIGMOID are exactly {@link DetMath}'s functions on every backend, so the result has
     * the same bits in every process, interpreted or compiled.
     */
    void unary(UnaryOp op, float[] x, int xOff, float[] out, int outOff, int n);

    /** The float64 twin of {@link #unary(UnaryOp, float[], int, float[], int, int)}. */
    void unary(UnaryOp op, double[] x, int xOff, double[] out, int outOff, int n);

    /** {@code out[i] = x[i] * alpha + y[i]} (axpy; out may alias y). */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /** The float64 twin of {@link #axpy(float, float[], int, float[], int, float[], int, int)}. */
    void axpy(double alpha, double[] x, int xOff, double[] y, int yOff, double[] out, int outOff, int n);

    /** @return the sum of {@code n} contiguous elements, accumulated in float64 lanes. */
    double sum(float[] x, int xOff, int n);

    /** @return the sum of {@code n} contiguous elements. */
    double sum(double[] x, int xOff, int n);

    /**
     * @return {@code Σ x[i]²} over {@code n} contiguous elements, accumulated in float64 in a fixed
     *     order per backend (a gradient norm)
     */
    double sumOfSquares(float[] x, int xOff, int n);

    /** @return the maximum of {@code n >= 1} contiguous elements (NaN if any element is NaN). */
    float max(float[] x, int xOff, int n);

    /** @return the maximum of {@code n >= 1} contiguous elements (NaN if any element is NaN). */
    double max(double[] x, int xOff, int n);

    // ---- row softmax ------------------------------------------------------------------------

    /**
     * Softmax of {@code rows} contiguous float32 rows of length {@code n}: row {@code r} reads
     * {@code x[xOff + r n ...]} and writes {@code out[outOff + r n ...]} (out may alias x) with
     * {@code y_j = exp(scale x_j − m) / Σ exp(scale x_i − m)} over the keys {@code j < L(r)}, and
     * {@code y_j = 0} for {@code j ≥ L(r)}. The limit is {@code L(r) = n} when
     * {@code period <= 0}, else {@code clamp(firstLimit + r mod period, 0, n)} (a causal mask whose
     * pattern repeats every {@code period} rows). A row whose kept entries are all {@code -inf} (or
     * that keeps none) becomes zeros. Rows are independent, so the result does not depend on
     * threads; the exponentials are {@link DetMath#exp(float)} and each backend sums in a fixed
     * order, so a backend gives the same bits in every process.
     *
     * @throws IllegalArgumentException if {@code scale} is not positive and finite
     */
    void softmaxRows(float[] x, int xOff, float[] out, int outOff, int rows, int n, float scale,
                     int firstLimit, int period);

    /**
     * Backward of {@link #softmaxRows}: for each row,
     * {@code dx_j = scale · y_j (g_j − Σ_i y_i g_i)} (masked entries have {@code y = 0} and get 0).
     * {@code out} may alias {@code g}.
     */
    void softmaxRowsBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff,
                             int rows, int n, float scale);

    /**
     * In-place float32 softmax down the columns of a {@code rows × cols} block at {@code x[off]}
     * (row stride {@code cols}): column {@code c} becomes
     * {@code y_r = exp(scale x_r − m) / Σ exp(scale x_i − m)} over its first {@code L(c)} rows and
     * 0 below, with {@code L(c)} the limit rule of {@link #softmaxRows} applied to the column
     * index. A column that keeps no entry, or whose kept entries are all {@code -inf}, becomes
     * zeros. The transposed twin of {@link #softmaxRows}, for blocks whose rows are short (each
     * column is summed lane-parallel, so no row needs a horizontal reduction): the sum of a column
     * runs in row order in float32, so every backend gives the same bits.
     *
     * @throws IllegalArgumentException if {@code scale} is not positive and finite
     */
    void softmaxColumns(float[] x, int off, int rows, int cols, float scale, int firstLimit, int period);

    /**
     * Backward of {@link #softmaxColumns} in place: for each column,
     * {@code g_r ← scale · y_r (g_r − Σ_i y_i g_i)}, the dot product accumulated in row order with
     * fused multiply-adds (every backend gives the same bits).
     */
    void softmaxColumnsBackward(float[] y, int yOff, float[] g, int gOff, int rows, int cols, float scale);

    /**
     * Float32 GELU over {@code n} contiguous elements: {@code y = x Φ(x)} and, when {@code dy} is
     * not null, the derivative {@code dy = Φ(x) + x φ(x)}, as defined by {@link GeluF32}
     * (relative error below 6e-7). Every backend gives the same bits. {@code y} may alias
     * {@code x}; {@code dy} must not.
     */
    void gelu(float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff, int n);

    // ---- layer normalisation ------------------------------------------------------------------

    /**
     * Float32 layer normalisation of {@code rows} contiguous rows of length {@code dim}: row
     * {@code r} reads {@code x[xOff + r dim ...]}, writes
     * {@code y = (x − μ) ρ · w + b} to {@code y[yOff + r dim ...]} (y may alias x) and stores
     * {@code mean[r] = μ} and {@code rstd[r] = ρ = 1 / sqrt(σ² + eps)} with the biased variance
     * {@code σ²} (two passes: the mean, then the squared deviations). {@code w} and {@code b} hold
     * {@code dim} elements from index 0, or are null for 1 and 0. Each backend sums in a fixed
     * order, so it gives the same bits in every process; backends may differ in the last bits.
     */
    void layerNorm(float[] x, int xOff, float[] w, float[] b, float[] y, int yOff, float[] mean, float[] rstd,
                   int rows, int dim, float eps);

    /**
     * Backward of {@link #layerNorm} given the upstream gradient {@code g} and the saved
     * {@code mean} and {@code rstd}: with {@code x̂ = (x − μ) ρ} and {@code h = g w},
     * {@code dx = ρ (h − mean(h) − x̂ mean(h x̂))} into {@code dx} (unless null; may alias g),
     * {@code dw[j] += Σ_r g x̂} and {@code db[j] += Σ_r g} (float64 accumulators, unless null),
     * rows in order (a backend may first sum a fixed block of rows in float32).
     */
    void layerNormBackward(float[] x, int xOff, float[] g, int gOff, float[] w, float[] mean, float[] rstd,
                           float[] dx, int dxOff, double[] dw, double[] db, int rows, int dim);

    /** Binary elementwise operations. */
    enum BinaryOp { ADD, SUB, MUL, DIV, MAX, MIN }

    /** Unary elementwise operations. */
    enum UnaryOp { NEG, EXP, LOG, TANH, SIGMOID, RELU, SQRT, ABS }
}
