package dev.heed.core.internal.kernel;

import org.apiguardian.api.API;

/**
 * Plain-Java kernels: correct everywhere, used when the Vector API is absent.
 *
 * <p>Products run in i-k-j order over contiguous rows (which C2 auto-vectorises) with column
 * blocking, and large ones are split by rows over the {@link KernelPool}. Each output element is
 * accumulated over k in order, so results do not depend on the thread count.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PlainKernels implements Kernels {

    private final int threads;
    private final long parallelFlops;

    /** Creates the fallback backend using {@link KernelPool#defaultThreads()} threads. */
    public PlainKernels() {
        this(KernelPool.defaultThreads());
    }

    /**
     * Creates the fallback backend.
     *
     * @param threads the most threads one call may use, at least 1
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public PlainKernels(int threads) {
        this(threads, KernelPool.PARALLEL_FLOPS);
    }

    /**
     * Creates the fallback backend with a chosen threshold for using more than one thread (tests
     * use a low one to exercise the parallel paths on small data).
     *
     * @param threads the most threads one call may use, at least 1
     * @param parallelFlops products (or batches) below this many flops run on the calling thread
     * @throws IllegalArgumentException if {@code threads < 1} or {@code parallelFlops < 0}
     */
    public PlainKernels(int threads, long parallelFlops) {
        if (threads < 1) {
            throw new IllegalArgumentException("plain kernels: threads = " + threads + ", expected at least 1");
        }
        if (parallelFlops < 0) {
            throw new IllegalArgumentException("plain kernels: parallelFlops = " + parallelFlops + ", expected >= 0");
        }
        this.threads = threads;
        this.parallelFlops = parallelFlops;
    }

    @Override
    public String name() {
        return "plain-java";
    }

    @Override
    public int threads() {
        return threads;
    }

    // ---- float32 GEMM ---------------------------------------------------------------------

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        GemmArgs.check("sgemm", transA, transB, m, n, k, a.length, aOff, lda, b.length, bOff, ldb,
                c.length, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        int tasks = tasksFor(m, n, k, threads, parallelFlops);
        if (tasks == 1) {
            sgemmRows(transA, transB, 0, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        KernelPool.run(tasks, t -> sgemmRows(transA, transB, split(m, tasks, t), split(m, tasks, t + 1), n, k,
                alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
    }

    @Override
    public void sgemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, long strideA,
                             float[] b, int bOff, int ldb, long strideB,
                             float beta, float[] c, int cOff, int ldc, long strideC, int batch) {
        GemmArgs.checkBatched("sgemmBatched", transA, transB, m, n, k, a.length, aOff, lda, strideA,
                b.length, bOff, ldb, strideB, c.length, cOff, ldc, strideC, batch);
        if (batch == 0 || m == 0 || n == 0) {
            return;
        }
        int tasks = batchTasks(m, n, k, batch, strideC, threads, parallelFlops);
        if (tasks == 1) {
            for (int i = 0; i < batch; i++) {
                sgemm(transA, transB, m, n, k, alpha, a, aOff + (int) (i * strideA), lda,
                        b, bOff + (int) (i * strideB), ldb, beta, c, cOff + (int) (i * strideC), ldc);
            }
            return;
        }
        KernelPool.run(tasks, t -> {
            for (int i = split(batch, tasks, t), end = split(batch, tasks, t + 1); i < end; i++) {
                sgemmRows(transA, transB, 0, m, n, k, alpha, a, aOff + (int) (i * strideA), lda,
                        b, bOff + (int) (i * strideB), ldb, beta, c, cOff + (int) (i * strideC), ldc);
            }
        });
    }

    /**
     * Rows {@code [i0, i1)} of C, in i-k-j order: each output row accumulates scaled rows of B
     * into a contiguous scratch row, a loop C2 vectorises. Columns are blocked so the block of B
     * that every row reuses stays in cache.
     */
    private static void sgemmRows(boolean transA, boolean transB, int i0, int i1, int n, int k, float alpha,
                                  float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                  float beta, float[] c, int cOff, int ldc) {
        int nb = columnBlock(n, k);
        float[] acc = new float[nb];
        // One array per row of the B block: C2 (JDK 17) vectorises acc[j] += s * row[j] only when
        // both arrays are indexed from 0, not through an offset into a flat array.
        float[][] rows = new float[k][nb];
        for (int j0 = 0; j0 < n; j0 += nb) {
            int w = Math.min(nb, n - j0);
            if (transB) {
                for (int jj = 0; jj < w; jj++) {
                    int src = bOff + (j0 + jj) * ldb;
                    for (int p = 0; p < k; p++) {
                        rows[p][jj] = b[src + p];
                    }
                }
            } else {
                for (int p = 0; p < k; p++) {
                    System.arraycopy(b, bOff + p * ldb + j0, rows[p], 0, w);
                }
            }
            for (int i = i0; i < i1; i++) {
                java.util.Arrays.fill(acc, 0, w, 0f);
                for (int p = 0; p < k; p++) {
                    float s = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    axpyRow(s, rows[p], acc, w);
                }
                int ci = cOff + i * ldc + j0;
                if (beta == 0f) {
                    for (int j = 0; j < w; j++) {
                        c[ci + j] = alpha * acc[j];
                    }
                } else {
                    for (int j = 0; j < w; j++) {
                        c[ci + j] = alpha * acc[j] + beta * c[ci + j];
                    }
                }
            }
        }
    }

    private static void axpyRow(float s, float[] row, float[] acc, int w) {
        for (int j = 0; j < w; j++) {
            acc[j] += s * row[j];
        }
    }

    // ---- float64 GEMM ---------------------------------------------------------------------

    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                      double beta, double[] c, int cOff, int ldc) {
        GemmArgs.check("dgemm", transA, transB, m, n, k, a.length, aOff, lda, b.length, bOff, ldb,
                c.length, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        int tasks = tasksFor(m, n, k, threads, parallelFlops);
        if (tasks == 1) {
            dgemmRows(transA, transB, 0, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        KernelPool.run(tasks, t -> dgemmRows(transA, transB, split(m, tasks, t), split(m, tasks, t + 1), n, k,
                alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
    }

    @Override
    public void dgemmBatched(boolean transA, boolean transB, int m, int n, int k, double alpha,
                             double[] a, int aOff, int lda, long strideA,
                             double[] b, int bOff, int ldb, long strideB,
                             double beta, double[] c, int cOff, int ldc, long strideC, int batch) {
        GemmArgs.checkBatched("dgemmBatched", transA, transB, m, n, k, a.length, aOff, lda, strideA,
                b.length, bOff, ldb, strideB, c.length, cOff, ldc, strideC, batch);
        if (batch == 0 || m == 0 || n == 0) {
            return;
        }
        int tasks = batchTasks(m, n, k, batch, strideC, threads, parallelFlops);
        if (tasks == 1) {
            for (int i = 0; i < batch; i++) {
                dgemm(transA, transB, m, n, k, alpha, a, aOff + (int) (i * strideA), lda,
                        b, bOff + (int) (i * strideB), ldb, beta, c, cOff + (int) (i * strideC), ldc);
            }
            return;
        }
        KernelPool.run(tasks, t -> {
            for (int i = split(batch, tasks, t), end = split(batch, tasks, t + 1); i < end; i++) {
                dgemmRows(transA, transB, 0, m, n, k, alpha, a, aOff + (int) (i * strideA), lda,
                        b, bOff + (int) (i * strideB), ldb, beta, c, cOff + (int) (i * strideC), ldc);
            }
        });
    }

    /**
     * Rows {@code [i0, i1)} of C, in i-k-j order: each output row accumulates scaled rows of B
     * into a contiguous scratch row, a loop C2 vectorises. Columns are blocked so the block of B
     * that every row reuses stays in cache.
     */
    private static void dgemmRows(boolean transA, boolean transB, int i0, int i1, int n, int k, double alpha,
                                  double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                                  double beta, double[] c, int cOff, int ldc) {
        int nb = columnBlock(n, k);
        double[] acc = new double[nb];
        // One array per row of the B block: C2 (JDK 17) vectorises acc[j] += s * row[j] only when
        // both arrays are indexed from 0, not through an offset into a flat array.
        double[][] rows = new double[k][nb];
        for (int j0 = 0; j0 < n; j0 += nb) {
            int w = Math.min(nb, n - j0);
            if (transB) {
                for (int jj = 0; jj < w; jj++) {
                    int src = bOff + (j0 + jj) * ldb;
                    for (int p = 0; p < k; p++) {
                        rows[p][jj] = b[src + p];
                    }
                }
            } else {
                for (int p = 0; p < k; p++) {
                    System.arraycopy(b, bOff + p * ldb + j0, rows[p], 0, w);
                }
            }
            for (int i = i0; i < i1; i++) {
                java.util.Arrays.fill(acc, 0, w, 0.0);
                for (int p = 0; p < k; p++) {
                    double s = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    axpyRow(s, rows[p], acc, w);
                }
                int ci = cOff + i * ldc + j0;
                if (beta == 0.0) {
                    for (int j = 0; j < w; j++) {
                        c[ci + j] = alpha * acc[j];
                    }
                } else {
                    for (int j = 0; j < w; j++) {
                        c[ci + j] = alpha * acc[j] + beta * c[ci + j];
                    }
                }
            }
        }
    }

    private static void axpyRow(double s, double[] row, double[] acc, int w) {
        for (int j = 0; j < w; j++) {
            acc[j] += s * row[j];
        }
    }

    // ---- splitting ------------------------------------------------------------------------

    /** @return how many pieces to split one m x n x k product into */
    static int tasksFor(int m, int n, int k, int threads, long parallelFlops) {
        if (threads <= 1 || 2.0 * m * n * k < parallelFlops || m < 2 * threads) {
            return 1;
        }
        return threads;
    }

    /** @return how many pieces to split a batch into (1 means: loop, letting each product split) */
    static int batchTasks(int m, int n, int k, int batch, long strideC, int threads, long parallelFlops) {
        if (threads <= 1 || batch < 2 || strideC == 0 || 2.0 * m * n * k >= parallelFlops
                || 2.0 * m * n * k * batch < parallelFlops) {
            return 1;
        }
        return Math.min(threads, batch);
    }

    /** @return the start of piece {@code t} when {@code [0, total)} is cut into {@code parts} */
    static int split(int total, int parts, int t) {
        return (int) ((long) total * t / parts);
    }

    /** @return a column block so that a k x block slice of B stays in a 256 KiB-ish cache budget */
    private static int columnBlock(int n, int k) {
        int nb = Math.max(256, (64 * 1024) / Math.max(1, k));
        nb = Math.min(nb, 1024);
        return Math.min(n, nb);
    }

    // ---- elementwise ----------------------------------------------------------------------

    @Override
    public void binary(BinaryOp op, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = (float) apply(op, x[xOff + i], y[yOff + i]);
        }
    }

    @Override
    public void binary(BinaryOp op, double[] x, int xOff, double[] y, int yOff, double[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = apply(op, x[xOff + i], y[yOff + i]);
        }
    }

    @Override
    public void unary(UnaryOp op, float[] x, int xOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = apply(op, x[xOff + i]);
        }
    }

    @Override
    public void unary(UnaryOp op, double[] x, int xOff, double[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = apply(op, x[xOff + i]);
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] * alpha + y[yOff + i];
        }
    }

    @Override
    public void axpy(double alpha, double[] x, int xOff, double[] y, int yOff, double[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] * alpha + y[yOff + i];
        }
    }

    @Override
    public double sum(float[] x, int xOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += x[xOff + i];
        }
        return s;
    }

    @Override
    public double sum(double[] x, int xOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += x[xOff + i];
        }
        return s;
    }

    @Override
    public float max(float[] x, int xOff, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("max: n = " + n + ", expected at least 1 element");
        }
        float m = x[xOff];
        for (int i = 1; i < n; i++) {
            m = Math.max(m, x[xOff + i]);
        }
        return m;
    }

    @Override
    public double max(double[] x, int xOff, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("max: n = " + n + ", expected at least 1 element");
        }
        double m = x[xOff];
        for (int i = 1; i < n; i++) {
            m = Math.max(m, x[xOff + i]);
        }
        return m;
    }

    /** The scalar definition of a binary op (also the vector backend's loop tails). */
    public static double apply(BinaryOp op, double x, double y) {
        switch (op) {
            case ADD: return x + y;
            case SUB: return x - y;
            case MUL: return x * y;
            case DIV: return x / y;
            case MAX: return Math.max(x, y);
            case MIN: return Math.min(x, y);
            default: throw new IllegalArgumentException("unknown binary op " + op);
        }
    }

    /** The scalar definition of a unary op in float64 (also the vector backend's loop tails). */
    public static double apply(UnaryOp op, double x) {
        switch (op) {
            case NEG: return -x;
            case EXP: return DetMath.exp(x);
            case LOG: return DetMath.log(x);
            case TANH: return DetMath.tanh(x);
            case SIGMOID: return DetMath.sigmoid(x);
            case RELU: return x > 0 ? x : 0.0;
            case SQRT: return Math.sqrt(x);
            case ABS: return Math.abs(x);
            default: throw new IllegalArgumentException("unknown unary op " + op);
        }
    }

    /** float32 version: the transcendentals round once from {@link DetMath}'s float64 evaluation. */
    public static float apply(UnaryOp op, float x) {
        switch (op) {
            case EXP: return DetMath.exp(x);
            case LOG: return DetMath.log(x);
            case TANH: return DetMath.tanh(x);
            case SIGMOID: return DetMath.sigmoid(x);
            default: return (float) apply(op, (double) x);
        }
    }

    @Override
    public void softmaxRows(float[] x, int xOff, float[] out, int outOff, int rows, int n, float scale,
                            int firstLimit, int period) {
        requireScale(scale);
        for (int r = 0; r < rows; r++) {
            int xb = xOff + r * n;
            int ob = outOff + r * n;
            int lim = rowLimit(r, n, firstLimit, period);
            float m = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < lim; j++) {
                m = Math.max(m, x[xb + j]);
            }
            if (lim == 0 || m == Float.NEGATIVE_INFINITY) {
                java.util.Arrays.fill(out, ob, ob + n, 0f);
                continue;
            }
            float ms = m * scale;
            double sum = 0;
            for (int j = 0; j < lim; j++) {
                float e = DetMath.exp(Math.fma(x[xb + j], scale, -ms));
                out[ob + j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < lim; j++) {
                out[ob + j] *= inv;
            }
            java.util.Arrays.fill(out, ob + lim, ob + n, 0f);
        }
    }

    @Override
    public void softmaxRowsBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff,
                                    int rows, int n, float scale) {
        for (int r = 0; r < rows; r++) {
            int yb = yOff + r * n;
            int gb = gOff + r * n;
            int ob = outOff + r * n;
            double dot = 0;
            for (int j = 0; j < n; j++) {
                dot += y[yb + j] * g[gb + j];
            }
            float d = (float) dot;
            for (int j = 0; j < n; j++) {
                out[ob + j] = scale * y[yb + j] * (g[gb + j] - d);
            }
        }
    }

    @Override
    public void softmaxColumns(float[] x, int off, int rows, int cols, float scale, int firstLimit, int period) {
        requireScale(scale);
        for (int c = 0; c < cols; c++) {
            softmaxColumn(x, off + c, cols, rows, rowLimit(c, rows, firstLimit, period), scale);
        }
    }

    /**
     * One column of {@link #softmaxColumns}: {@code n} entries {@code stride} apart from {@code x[o]},
     * the first {@code lim} kept. Also the vector backend's code for columns that do not fill a vector.
     */
    public static void softmaxColumn(float[] x, int o, int stride, int n, int lim, float scale) {
        float m = Float.NEGATIVE_INFINITY;
        for (int r = 0; r < lim; r++) {
            m = Math.max(m, x[o + r * stride]);
        }
        if (lim == 0 || m == Float.NEGATIVE_INFINITY) {
            for (int r = 0; r < n; r++) {
                x[o + r * stride] = 0f;
            }
            return;
        }
        float ms = m * scale;
        float sum = 0f;
        for (int r = 0; r < lim; r++) {
            float e = DetMath.exp(Math.fma(x[o + r * stride], scale, -ms));
            x[o + r * stride] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int r = 0; r < lim; r++) {
            x[o + r * stride] *= inv;
        }
        for (int r = lim; r < n; r++) {
            x[o + r * stride] = 0f;
        }
    }

    @Override
    public void softmaxColumnsBackward(float[] y, int yOff, float[] g, int gOff, int rows, int cols, float scale) {
        for (int c = 0; c < cols; c++) {
            softmaxColumnBackward(y, yOff + c, g, gOff + c, cols, rows, scale);
        }
    }

    /** One column of {@link #softmaxColumnsBackward}, entries {@code stride} apart. */
    public static void softmaxColumnBackward(float[] y, int yo, float[] g, int go, int stride, int n, float scale) {
        float dot = 0f;
        for (int r = 0; r < n; r++) {
            dot = Math.fma(y[yo + r * stride], g[go + r * stride], dot);
        }
        for (int r = 0; r < n; r++) {
            g[go + r * stride] = scale * y[yo + r * stride] * (g[go + r * stride] - dot);
        }
    }

    /** @return the causal key limit of row {@code r} (see {@link Kernels#softmaxRows}) */
    public static int rowLimit(int r, int n, int firstLimit, int period) {
        if (period <= 0) {
            return n;
        }
        long l = (long) firstLimit + r % period;
        return (int) Math.max(0, Math.min(n, l));
    }

    /** @param scale checked to be positive and finite */
    public static void requireScale(float scale) {
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("softmaxRows: scale = " + scale + ", expected a positive finite factor");
        }
    }

    @Override
    public void gelu(float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff, int n) {
        GeluF32.forward(x, xOff, y, yOff, dy, dyOff, n);
    }

    @Override
    public void layerNorm(float[] x, int xOff, float[] w, float[] b, float[] y, int yOff, float[] mean, float[] rstd,
                          int rows, int dim, float eps) {
        for (int r = 0; r < rows; r++) {
            int xb = xOff + r * dim;
            int yb = yOff + r * dim;
            float s = 0f;
            for (int j = 0; j < dim; j++) {
                s += x[xb + j];
            }
            float mu = s / dim;
            float v = 0f;
            for (int j = 0; j < dim; j++) {
                float c = x[xb + j] - mu;
                v += c * c;
            }
            float rs = (float) (1 / Math.sqrt((double) v / dim + eps));
            mean[r] = mu;
            rstd[r] = rs;
            normalizeRow(x, xb, mu, rs, w, b, y, yb, 0, dim);
        }
    }

    /**
     * Elements {@code [from, to)} of one layer-norm row: {@code y = (x − mu) rs · w + b} (w and b
     * optional). Also the vector backend's code for the columns that do not fill a vector.
     */
    public static void normalizeRow(float[] x, int xb, float mu, float rs, float[] w, float[] b, float[] y, int yb,
                                    int from, int to) {
        for (int j = from; j < to; j++) {
            float h = (x[xb + j] - mu) * rs;
            if (w != null) {
                h *= w[j];
            }
            if (b != null) {
                h += b[j];
            }
            y[yb + j] = h;
        }
    }

    @Override
    public void layerNormBackward(float[] x, int xOff, float[] g, int gOff, float[] w, float[] mean, float[] rstd,
                                  float[] dx, int dxOff, double[] dw, double[] db, int rows, int dim) {
        for (int r = 0; r < rows; r++) {
            int xb = xOff + r * dim;
            int gb = gOff + r * dim;
            float mu = mean[r];
            float rs = rstd[r];
            float m1 = 0f;
            float m2 = 0f;
            for (int j = 0; j < dim; j++) {
                float gj = g[gb + j];
                float xh = (x[xb + j] - mu) * rs;
                float h = w == null ? gj : gj * w[j];
                m1 += h;
                m2 += h * xh;
                if (dw != null) {
                    dw[j] += gj * xh;
                }
                if (db != null) {
                    db[j] += gj;
                }
            }
            if (dx != null) {
                m1 /= dim;
                m2 /= dim;
                int ob = dxOff + r * dim;
                for (int j = 0; j < dim; j++) {
                    float xh = (x[xb + j] - mu) * rs;
                    float h = w == null ? g[gb + j] : g[gb + j] * w[j];
                    dx[ob + j] = (h - m1 - xh * m2) * rs;
                }
            }
        }
    }

    @Override
    public double sumOfSquares(float[] x, int xOff, int n) {
        // four accumulators: the additions of one do not wait for the others
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            double a = x[xOff + i];
            double b = x[xOff + i + 1];
            double c = x[xOff + i + 2];
            double d = x[xOff + i + 3];
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; i < n; i++) {
            double a = x[xOff + i];
            s0 += a * a;
        }
        return (s0 + s1) + (s2 + s3);
    }
}
