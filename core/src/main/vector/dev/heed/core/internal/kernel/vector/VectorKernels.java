package dev.heed.core.internal.kernel.vector;

import dev.heed.core.internal.kernel.DetMath;
import dev.heed.core.internal.kernel.GemmArgs;
import dev.heed.core.internal.kernel.KernelPool;
import dev.heed.core.internal.kernel.Kernels;
import dev.heed.core.internal.kernel.PlainKernels;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.apiguardian.api.API;

/**
 * Kernels written with the Vector API ({@code jdk.incubator.vector}), using the preferred species
 * of the machine (512-bit on AVX-512). Loaded reflectively by
 * {@link dev.heed.core.internal.kernel.KernelBackends} only when the module is present.
 *
 * <p>Products above {@link KernelPool#PARALLEL_FLOPS} (by default) are split over output blocks
 * (never over k) and batches of small products over the batch, so results are bit-identical for
 * every thread count. Thread-safe: scratch buffers are per thread.
 *
 * <p>Elementwise ops are lane-wise and give the same bits as the plain backend, compiled or
 * interpreted: exp, log, tanh and sigmoid (and the exponentials of the row softmax) use
 * {@link VMath}, the lane-wise twin of {@link DetMath}, never the Vector API's transcendental
 * operators (whose interpreted fallback and compiled intrinsic differ in the last bits). Lane
 * sums are added in lane order, never with {@code reduceLanes(ADD)}, whose order is unspecified.
 *
 * <p>Rule for every kernel of this package: one vector shape per element type, the preferred one
 * ({@code FloatVector.SPECIES_PREFERRED}, {@code DoubleVector.SPECIES_PREFERRED}, ints and longs
 * of the same shape). A second float species (e.g. half width, to widen into one double vector)
 * pollutes the Vector API's shared type profiles and breaks the intrinsics of the GEMM kernels;
 * widen the two halves of a full vector with {@code convertShape(F2D, DS, 0)} and {@code (.., 1)}
 * instead (see {@link VMath}).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class VectorKernels implements Kernels {

    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final int FL = FS.length();
    private static final int DL = DS.length();

    /**
     * Pieces per thread for a batch of small products: more than one lets a thread that finishes
     * early (or a worker that wakes late) take over work, and costs nothing extra. One product is
     * cut into exactly one piece per thread instead, because every piece repacks an operand.
     */
    private static final int BATCH_PIECES_PER_THREAD = 4;

    private final int threads;
    private final long parallelFlops;
    private final ThreadLocal<SGemm.Scratch> sScratch = ThreadLocal.withInitial(SGemm.Scratch::new);
    private final ThreadLocal<DGemm.Scratch> dScratch = ThreadLocal.withInitial(DGemm.Scratch::new);

    /** Creates the backend using {@link KernelPool#defaultThreads()} threads. */
    public VectorKernels() {
        this(KernelPool.defaultThreads());
    }

    /**
     * Creates the backend.
     *
     * @param threads the most threads one call may use, at least 1
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public VectorKernels(int threads) {
        this(threads, KernelPool.PARALLEL_FLOPS);
    }

    /**
     * Creates the backend with a chosen threshold for using more than one thread (tests use a low
     * one to exercise the parallel paths on small data).
     *
     * @param threads the most threads one call may use, at least 1
     * @param parallelFlops products (or batches) below this many flops run on the calling thread
     * @throws IllegalArgumentException if {@code threads < 1} or {@code parallelFlops < 0}
     */
    public VectorKernels(int threads, long parallelFlops) {
        if (threads < 1) {
            throw new IllegalArgumentException("vector kernels: threads = " + threads + ", expected at least 1");
        }
        if (parallelFlops < 0) {
            throw new IllegalArgumentException("vector kernels: parallelFlops = " + parallelFlops + ", expected >= 0");
        }
        this.threads = threads;
        this.parallelFlops = parallelFlops;
    }

    @Override
    public String name() {
        return "vector-" + FS.vectorBitSize();
    }

    @Override
    public int threads() {
        return threads;
    }

    // ---- GEMM -----------------------------------------------------------------------------------

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        GemmArgs.check("sgemm", transA, transB, m, n, k, a.length, aOff, lda, b.length, bOff, ldb,
                c.length, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        int tasks = tasks(m, n, k, SGemm.MRP, SGemm.NR);
        if (tasks == 1) {
            SGemm.gemm(sScratch.get(), transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc, 0, m, 0, n);
            return;
        }
        boolean byCols = splitByColumns(transB, m, n, k, tasks, SGemm.MRP, SGemm.NR);
        KernelPool.run(tasks, t -> {
            int lo = byCols ? cut(n, tasks, t, SGemm.NR) : cut(m, tasks, t, SGemm.MRP);
            int hi = byCols ? cut(n, tasks, t + 1, SGemm.NR) : cut(m, tasks, t + 1, SGemm.MRP);
            SGemm.gemm(sScratch.get(), transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc, byCols ? 0 : lo, byCols ? m : hi, byCols ? lo : 0, byCols ? hi : n);
        });
    }

    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                      double beta, double[] c, int cOff, int ldc) {
        GemmArgs.check("dgemm", transA, transB, m, n, k, a.length, aOff, lda, b.length, bOff, ldb,
                c.length, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        int tasks = tasks(m, n, k, DGemm.MRP, DGemm.NR);
        if (tasks == 1) {
            DGemm.gemm(dScratch.get(), transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc, 0, m, 0, n);
            return;
        }
        boolean byCols = splitByColumns(transB, m, n, k, tasks, DGemm.MRP, DGemm.NR);
        KernelPool.run(tasks, t -> {
            int lo = byCols ? cut(n, tasks, t, DGemm.NR) : cut(m, tasks, t, DGemm.MRP);
            int hi = byCols ? cut(n, tasks, t + 1, DGemm.NR) : cut(m, tasks, t + 1, DGemm.MRP);
            DGemm.gemm(dScratch.get(), transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc, byCols ? 0 : lo, byCols ? m : hi, byCols ? lo : 0, byCols ? hi : n);
        });
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
        int tasks = batchTasks(m, n, k, batch, strideC);
        if (tasks == 1) {
            for (int i = 0; i < batch; i++) {
                sgemm(transA, transB, m, n, k, alpha, a, aOff + (int) (i * strideA), lda,
                        b, bOff + (int) (i * strideB), ldb, beta, c, cOff + (int) (i * strideC), ldc);
            }
            return;
        }
        KernelPool.run(tasks, t -> {
            SGemm.Scratch s = sScratch.get();
            for (int i = cut(batch, tasks, t, 1), end = cut(batch, tasks, t + 1, 1); i < end; i++) {
                SGemm.gemm(s, transA, transB, m, n, k, alpha, a, aOff + (int) (i * strideA), lda,
                        b, bOff + (int) (i * strideB), ldb, beta, c, cOff + (int) (i * strideC), ldc, 0, m, 0, n);
            }
        });
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
        int tasks = batchTasks(m, n, k, batch, strideC);
        if (tasks == 1) {
            for (int i = 0; i < batch; i++) {
                dgemm(transA, transB, m, n, k, alpha, a, aOff + (int) (i * strideA), lda,
                        b, bOff + (int) (i * strideB), ldb, beta, c, cOff + (int) (i * strideC), ldc);
            }
            return;
        }
        KernelPool.run(tasks, t -> {
            DGemm.Scratch s = dScratch.get();
            for (int i = cut(batch, tasks, t, 1), end = cut(batch, tasks, t + 1, 1); i < end; i++) {
                DGemm.gemm(s, transA, transB, m, n, k, alpha, a, aOff + (int) (i * strideA), lda,
                        b, bOff + (int) (i * strideB), ldb, beta, c, cOff + (int) (i * strideC), ldc, 0, m, 0, n);
            }
        });
    }

    /** @return how many pieces to cut one product into: 1, or one per thread */
    private int tasks(int m, int n, int k, int mr, int nr) {
        if (threads <= 1 || 2.0 * m * n * k < parallelFlops) {
            return 1;
        }
        if (n >= 2 * threads * nr || m >= 2 * threads * mr) {
            return threads;
        }
        return 1;
    }

    /**
     * Cutting C by rows makes every piece pack all of B; cutting by columns makes every piece pack
     * all of A. Packing an untransposed B is a vector copy, the others are scalar gathers, so
     * pick the cut that packs less.
     */
    private static boolean splitByColumns(boolean transB, int m, int n, int k, int tasks, int mr, int nr) {
        boolean rowsOk = m >= 2 * tasks * mr;
        boolean colsOk = n >= 2 * tasks * nr;
        if (rowsOk != colsOk) {
            return colsOk;
        }
        double bCost = transB ? 1.0 : 0.15;
        double byRows = (double) m * k / tasks + (double) k * n * bCost;
        double byCols = (double) m * k + (double) k * n * bCost / tasks;
        return byCols < byRows;
    }

    private int batchTasks(int m, int n, int k, int batch, long strideC) {
        double flops = 2.0 * m * n * k;
        if (threads <= 1 || batch < 2 || strideC == 0 || flops >= parallelFlops
                || flops * batch < parallelFlops) {
            return 1;
        }
        return Math.min(threads * BATCH_PIECES_PER_THREAD, batch);
    }

    /** @return the start of piece {@code t} of {@code [0, total)} cut into {@code parts}, on multiples of {@code unit} */
    private static int cut(int total, int parts, int t, int unit) {
        if (t >= parts) {
            return total;
        }
        long units = ((long) total + unit - 1) / unit;
        return (int) Math.min(total, units * t / parts * unit);
    }

    // ---- elementwise ------------------------------------------------------------------------------

    @Override
    public void binary(BinaryOp op, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        int i = 0;
        int bound = FS.loopBound(n);
        switch (op) {
            case ADD:
                for (; i < bound; i += FL) {
                    FloatVector.fromArray(FS, x, xOff + i).add(FloatVector.fromArray(FS, y, yOff + i)).intoArray(out, outOff + i);
                }
                break;
            case SUB:
                for (; i < bound; i += FL) {
                    FloatVector.fromArray(FS, x, xOff + i).sub(FloatVector.fromArray(FS, y, yOff + i)).intoArray(out, outOff + i);
                }
                break;
            case MUL:
                for (; i < bound; i += FL) {
                    FloatVector.fromArray(FS, x, xOff + i).mul(FloatVector.fromArray(FS, y, yOff + i)).intoArray(out, outOff + i);
                }
                break;
            case DIV:
                for (; i < bound; i += FL) {
                    FloatVector.fromArray(FS, x, xOff + i).div(FloatVector.fromArray(FS, y, yOff + i)).intoArray(out, outOff + i);
                }
                break;
            case MAX:
                for (; i < bound; i += FL) {
                    FloatVector.fromArray(FS, x, xOff + i).max(FloatVector.fromArray(FS, y, yOff + i)).intoArray(out, outOff + i);
                }
                break;
            case MIN:
                for (; i < bound; i += FL) {
                    FloatVector.fromArray(FS, x, xOff + i).min(FloatVector.fromArray(FS, y, yOff + i)).intoArray(out, outOff + i);
                }
                break;
            default:
                throw new IllegalArgumentException("binary: unknown op " + op);
        }
        for (; i < n; i++) {
            out[outOff + i] = (float) PlainKernels.apply(op, x[xOff + i], y[yOff + i]);
        }
    }

    @Override
    public void binary(BinaryOp op, double[] x, int xOff, double[] y, int yOff, double[] out, int outOff, int n) {
        int i = 0;
        int bound = DS.loopBound(n);
        switch (op) {
            case ADD:
                for (; i < bound; i += DL) {
                    DoubleVector.fromArray(DS, x, xOff + i).add(DoubleVector.fromArray(DS, y, yOff + i)).intoArray(out, outOff + i);
                }
                break;
            case SUB:
                for (; i < bound; i += DL) {
                    DoubleVector.fromArray(DS, x, xOff + i).sub(DoubleVector.fromArray(DS, y, yOff + i)).intoArray(out, outOff + i);
                }
                break;
            case MUL:
                for (; i < bound; i += DL) {
                    DoubleVector.fromArray(DS, x, xOff + i).mul(DoubleVector.fromArray(DS, y, yOff + i)).intoArray(out, outOff + i);
                }
                break;
            case DIV:
                for (; i < bound; i += DL) {
                    DoubleVector.fromArray(DS, x, xOff + i).div(DoubleVector.fromArray(DS, y, yOff + i)).intoArray(out, outOff + i);
                }
                break;
            case MAX:
                for (; i < bound; i += DL) {
                    DoubleVector.fromArray(DS, x, xOff + i).max(DoubleVector.fromArray(DS, y, yOff + i)).intoArray(out, outOff + i);
                }
                break;
            case MIN:
                for (; i < bound; i += DL) {
                    DoubleVector.fromArray(DS, x, xOff + i).min(DoubleVector.fromArray(DS, y, yOff + i)).intoArray(out, outOff + i);
                }
                break;
            default:
                throw new IllegalArgumentException("binary: unknown op " + op);
        }
        for (; i < n; i++) {
            out[outOff + i] = PlainKernels.apply(op, x[xOff + i], y[yOff + i]);
        }
    }

    @Override
    public void unary(UnaryOp op, float[] x, int xOff, float[] out, int outOff, int n) {
        int i = 0;
        int bound = FS.loopBound(n);
        switch (op) {
            case NEG:
                for (; i < bound; i += FL) {
                    FloatVector.fromArray(FS, x, xOff + i).neg().intoArray(out, outOff + i);
                }
                break;
            case ABS:
                for (; i < bound; i += FL) {
                    FloatVector.fromArray(FS, x, xOff + i).abs().intoArray(out, outOff + i);
                }
                break;
            case SQRT:
                for (; i < bound; i += FL) {
                    FloatVector.fromArray(FS, x, xOff + i).sqrt().intoArray(out, outOff + i);
                }
                break;
            case RELU: {
                FloatVector zero = FloatVector.zero(FS);
                for (; i < bound; i += FL) {
                    FloatVector v = FloatVector.fromArray(FS, x, xOff + i);
                    zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(out, outOff + i);
                }
                break;
            }
            case EXP:
            case LOG:
            case TANH:
            case SIGMOID:
                i = op == UnaryOp.EXP ? VMath.expF32(x, xOff, out, outOff, n)
                        : op == UnaryOp.LOG ? VMath.logF32(x, xOff, out, outOff, n)
                        : op == UnaryOp.TANH ? VMath.tanhF32(x, xOff, out, outOff, n)
                        : VMath.sigmoidF32(x, xOff, out, outOff, n);
                break;
            default:
                throw new IllegalArgumentException("unary: unknown op " + op);
        }
        for (; i < n; i++) {
            out[outOff + i] = PlainKernels.apply(op, x[xOff + i]);
        }
    }

    @Override
    public void unary(UnaryOp op, double[] x, int xOff, double[] out, int outOff, int n) {
        int i = 0;
        int bound = DS.loopBound(n);
        switch (op) {
            case NEG:
                for (; i < bound; i += DL) {
                    DoubleVector.fromArray(DS, x, xOff + i).neg().intoArray(out, outOff + i);
                }
                break;
            case ABS:
                for (; i < bound; i += DL) {
                    DoubleVector.fromArray(DS, x, xOff + i).abs().intoArray(out, outOff + i);
                }
                break;
            case SQRT:
                for (; i < bound; i += DL) {
                    DoubleVector.fromArray(DS, x, xOff + i).sqrt().intoArray(out, outOff + i);
                }
                break;
            case RELU: {
                DoubleVector zero = DoubleVector.zero(DS);
                for (; i < bound; i += DL) {
                    DoubleVector v = DoubleVector.fromArray(DS, x, xOff + i);
                    zero.blend(v, v.compare(VectorOperators.GT, 0.0)).intoArray(out, outOff + i);
                }
                break;
            }
            case EXP:
                i = VMath.expF64(x, xOff, out, outOff, n);
                break;
            case LOG:
                i = VMath.logF64(x, xOff, out, outOff, n);
                break;
            case TANH:
                i = VMath.tanhF64(x, xOff, out, outOff, n);
                break;
            case SIGMOID:
                i = VMath.sigmoidF64(x, xOff, out, outOff, n);
                break;
            default:
                throw new IllegalArgumentException("unary: unknown op " + op);
        }
        for (; i < n; i++) {
            out[outOff + i] = PlainKernels.apply(op, x[xOff + i]);
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector.fromArray(FS, x, xOff + i).mul(alpha).add(FloatVector.fromArray(FS, y, yOff + i))
                    .intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = x[xOff + i] * alpha + y[yOff + i];
        }
    }

    @Override
    public void axpy(double alpha, double[] x, int xOff, double[] y, int yOff, double[] out, int outOff, int n) {
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector.fromArray(DS, x, xOff + i).mul(alpha).add(DoubleVector.fromArray(DS, y, yOff + i))
                    .intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = x[xOff + i] * alpha + y[yOff + i];
        }
    }

    @Override
    public double sum(float[] x, int xOff, int n) {
        DoubleVector s0 = DoubleVector.zero(DS);
        DoubleVector s1 = DoubleVector.zero(DS);
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            // s0 takes the first half of the float lanes, s1 the second half
            FloatVector v = FloatVector.fromArray(FS, x, xOff + i);
            s0 = s0.add(v.convertShape(VectorOperators.F2D, DS, 0));
            s1 = s1.add(v.convertShape(VectorOperators.F2D, DS, 1));
        }
        double s = lanesInOrder(s0.add(s1));
        for (; i < n; i++) {
            s += x[xOff + i];
        }
        return s;
    }

    @Override
    public double sum(double[] x, int xOff, int n) {
        DoubleVector s0 = DoubleVector.zero(DS);
        DoubleVector s1 = DoubleVector.zero(DS);
        int i = 0;
        for (int bound = n - 2 * DL; i <= bound; i += 2 * DL) {
            s0 = s0.add(DoubleVector.fromArray(DS, x, xOff + i));
            s1 = s1.add(DoubleVector.fromArray(DS, x, xOff + i + DL));
        }
        double s = lanesInOrder(s0.add(s1));
        for (; i < n; i++) {
            s += x[xOff + i];
        }
        return s;
    }

    /** Adds the lanes left to right, so the result never depends on how the JIT reduces. */
    private static double lanesInOrder(DoubleVector v) {
        double s = 0;
        for (int l = 0; l < DL; l++) {
            s += v.lane(l);
        }
        return s;
    }

    @Override
    public float max(float[] x, int xOff, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("max: n = " + n + ", expected at least 1 element");
        }
        float m = x[xOff];
        int i = 0;
        int bound = FS.loopBound(n);
        if (bound > 0) {
            FloatVector acc = FloatVector.fromArray(FS, x, xOff);
            for (i = FL; i < bound; i += FL) {
                acc = acc.max(FloatVector.fromArray(FS, x, xOff + i));
            }
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
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
        int i = 0;
        int bound = DS.loopBound(n);
        if (bound > 0) {
            DoubleVector acc = DoubleVector.fromArray(DS, x, xOff);
            for (i = DL; i < bound; i += DL) {
                acc = acc.max(DoubleVector.fromArray(DS, x, xOff + i));
            }
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            m = Math.max(m, x[xOff + i]);
        }
        return m;
    }

    // ---- row softmax ------------------------------------------------------------------------

    /** Rows times length below which a softmax runs on the calling thread. */
    private static final long PARALLEL_SOFTMAX_ELEMENTS = 1L << 16;

    @Override
    public void softmaxRows(float[] x, int xOff, float[] out, int outOff, int rows, int n, float scale,
                            int firstLimit, int period) {
        PlainKernels.requireScale(scale);
        int tasks = threads <= 1 || (long) rows * n < PARALLEL_SOFTMAX_ELEMENTS ? 1 : Math.min(threads, rows);
        if (tasks == 1) {
            softmaxRange(x, xOff, out, outOff, 0, rows, n, scale, firstLimit, period);
            return;
        }
        KernelPool.run(tasks, t -> softmaxRange(x, xOff, out, outOff, cut(rows, tasks, t, 1),
                cut(rows, tasks, t + 1, 1), n, scale, firstLimit, period));
    }

    private static void softmaxRange(float[] x, int xOff, float[] out, int outOff, int r0, int r1, int n,
                                     float scale, int firstLimit, int period) {
        for (int r = r0; r < r1; r++) {
            int xb = xOff + r * n;
            int ob = outOff + r * n;
            int lim = PlainKernels.rowLimit(r, n, firstLimit, period);
            float m = Float.NEGATIVE_INFINITY;
            float mn = Float.POSITIVE_INFINITY;
            int j = 0;
            int bound = FS.loopBound(lim);
            // a causal row usually ends inside a vector: while the row has room, its last kept entries
            // are one more vector with the lanes past the limit masked out, instead of a scalar tail
            boolean wholeTail = bound < lim && bound + FL <= n;
            int end = wholeTail ? bound + FL : bound;
            if (end > 0) {
                // compare-and-blend instead of max/min: Java's NaN and signed-zero rules make those
                // several instructions per vector; a NaN is skipped here but still reaches the sum
                FloatVector acc = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
                FloatVector accMin = FloatVector.broadcast(FS, Float.POSITIVE_INFINITY);
                for (; j < bound; j += FL) {
                    FloatVector v = FloatVector.fromArray(FS, x, xb + j);
                    acc = acc.blend(v, acc.lt(v));
                    accMin = accMin.blend(v, v.lt(accMin));
                }
                if (wholeTail) {
                    VectorMask<Float> kept = FS.indexInRange(bound, lim);
                    FloatVector v = FloatVector.fromArray(FS, x, xb + bound);
                    acc = acc.blend(v, acc.lt(v).and(kept));
                    accMin = accMin.blend(v, v.lt(accMin).and(kept));
                    j = lim;
                }
                m = VMath.treeMax(acc);
                mn = -VMath.treeMax(accMin.neg());
            }
            for (; j < lim; j++) {
                m = Math.max(m, x[xb + j]);
                mn = Math.min(mn, x[xb + j]);
            }
            if (lim == 0 || m == Float.NEGATIVE_INFINITY) {
                java.util.Arrays.fill(out, ob, ob + n, 0f);
                continue;
            }
            float ms = m * scale;
            // fma(x, scale, -ms) is monotone in x, so the row's extremes bound every argument of exp.
            boolean inRange = Math.fma(mn, scale, -ms) >= -88f && Math.fma(m, scale, -ms) <= 88f;
            float s = VMath.softmaxExp(x, xb, out, ob, lim, scale, -ms, inRange, wholeTail);
            j = end;
            for (; j < lim; j++) {
                float e = DetMath.exp(Math.fma(x[xb + j], scale, -ms));
                out[ob + j] = e;
                s += e;
            }
            FloatVector inv = FloatVector.broadcast(FS, 1f / s);
            for (j = 0; j < end; j += FL) {
                FloatVector.fromArray(FS, out, ob + j).mul(inv).intoArray(out, ob + j);
            }
            float fi = 1f / s;
            for (; j < lim; j++) {
                out[ob + j] *= fi;
            }
            java.util.Arrays.fill(out, ob + lim, ob + n, 0f);
        }
    }

    @Override
    public void softmaxColumns(float[] x, int off, int rows, int cols, float scale, int firstLimit, int period) {
        PlainKernels.requireScale(scale);
        int vc = FS.loopBound(cols);
        for (int c = vc; c < cols; c++) {
            PlainKernels.softmaxColumn(x, off + c, cols, rows, PlainKernels.rowLimit(c, rows, firstLimit, period), scale);
        }
        if (vc == 0 || rows == 0) {
            return;
        }
        int groups = vc / FL;
        float[] limits = new float[vc];
        float[] alive = new float[vc];
        float[] negMax = new float[vc];
        float[] sums = new float[vc];
        FloatVector negInf = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
        FloatVector vs = FloatVector.broadcast(FS, scale);
        FloatVector zero = FloatVector.zero(FS);
        FloatVector one = FloatVector.broadcast(FS, 1f);
        // a vector of columns at a time: each column's largest kept entry m (loops split by row range
        // rather than branching per row: C2 boxes a vector merged from two branches), the
        // exponentials of the kept entries with their sums, then the normalisation
        for (int gi = 0; gi < groups; gi++) {
            int c0 = gi * FL;
            int lo = rows;
            int hi = 0;
            for (int l = 0; l < FL; l++) {
                int lim = PlainKernels.rowLimit(c0 + l, rows, firstLimit, period);
                limits[c0 + l] = lim;
                lo = Math.min(lo, lim);
                hi = Math.max(hi, lim);
            }
            FloatVector lv = FloatVector.fromArray(FS, limits, c0);
            FloatVector m = negInf;
            int r = 0;
            for (; r < lo; r++) {
                m = m.max(FloatVector.fromArray(FS, x, off + r * cols + c0));
            }
            for (; r < hi; r++) {
                FloatVector v = FloatVector.fromArray(FS, x, off + r * cols + c0);
                m = m.max(negInf.blend(v, lv.compare(VectorOperators.GT, (float) r)));
            }
            VectorMask<Float> live = m.compare(VectorOperators.NE, Float.NEGATIVE_INFINITY);
            zero.blend(1f, live).intoArray(alive, c0);
            m.mul(vs).neg().intoArray(negMax, c0);
            VMath.softmaxColumnExp(x, off + c0, cols, rows, hi, scale, negMax, limits, alive, c0, sums);
            // a column with no kept entry sums to 0 and stays 0; any kept entry makes the sum at least 1
            FloatVector sum = FloatVector.fromArray(FS, sums, c0);
            FloatVector inv = zero.blend(one.div(sum), live);
            for (r = 0; r < hi; r++) {
                int o = off + r * cols + c0;
                FloatVector.fromArray(FS, x, o).mul(inv).intoArray(x, o);
            }
        }
    }

    @Override
    public void softmaxColumnsBackward(float[] y, int yOff, float[] g, int gOff, int rows, int cols, float scale) {
        int vc = FS.loopBound(cols);
        for (int c = vc; c < cols; c++) {
            PlainKernels.softmaxColumnBackward(y, yOff + c, g, gOff + c, cols, rows, scale);
        }
        FloatVector vs = FloatVector.broadcast(FS, scale);
        for (int c0 = 0; c0 < vc; c0 += FL) {
            FloatVector dot = FloatVector.zero(FS);
            for (int r = 0; r < rows; r++) {
                dot = FloatVector.fromArray(FS, y, yOff + r * cols + c0)
                        .fma(FloatVector.fromArray(FS, g, gOff + r * cols + c0), dot);
            }
            for (int r = 0; r < rows; r++) {
                int go = gOff + r * cols + c0;
                FloatVector yv = FloatVector.fromArray(FS, y, yOff + r * cols + c0);
                vs.mul(yv).mul(FloatVector.fromArray(FS, g, go).sub(dot)).intoArray(g, go);
            }
        }
    }

    @Override
    public void softmaxRowsBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff,
                                    int rows, int n, float scale) {
        int tasks = threads <= 1 || (long) rows * n < PARALLEL_SOFTMAX_ELEMENTS ? 1 : Math.min(threads, rows);
        if (tasks == 1) {
            softmaxBackRange(y, yOff, g, gOff, out, outOff, 0, rows, n, scale);
            return;
        }
        KernelPool.run(tasks, t -> softmaxBackRange(y, yOff, g, gOff, out, outOff, cut(rows, tasks, t, 1),
                cut(rows, tasks, t + 1, 1), n, scale));
    }

    private static void softmaxBackRange(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff,
                                         int r0, int r1, int n, float scale) {
        int bound = FS.loopBound(n);
        for (int r = r0; r < r1; r++) {
            int yb = yOff + r * n;
            int gb = gOff + r * n;
            int ob = outOff + r * n;
            FloatVector acc = FloatVector.zero(FS);
            int j = 0;
            for (; j < bound; j += FL) {
                acc = FloatVector.fromArray(FS, y, yb + j).fma(FloatVector.fromArray(FS, g, gb + j), acc);
            }
            float d = VMath.treeSum(acc);
            for (; j < n; j++) {
                d += y[yb + j] * g[gb + j];
            }
            FloatVector vd = FloatVector.broadcast(FS, d);
            FloatVector vs = FloatVector.broadcast(FS, scale);
            for (j = 0; j < bound; j += FL) {
                FloatVector yv = FloatVector.fromArray(FS, y, yb + j);
                FloatVector.fromArray(FS, g, gb + j).sub(vd).mul(yv).mul(vs).intoArray(out, ob + j);
            }
            for (; j < n; j++) {
                out[ob + j] = scale * y[yb + j] * (g[gb + j] - d);
            }
        }
    }

    @Override
    public void gelu(float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff, int n) {
        // elementwise, so any split gives the same bits; pieces are whole vectors
        int tasks = threads <= 1 || n < PARALLEL_GELU_ELEMENTS ? 1 : threads;
        if (tasks == 1) {
            VectorGelu.forward(x, xOff, y, yOff, dy, dyOff, n);
            return;
        }
        KernelPool.run(tasks, t -> {
            int lo = cut(n, tasks, t, FL);
            int hi = cut(n, tasks, t + 1, FL);
            VectorGelu.forward(x, xOff + lo, y, yOff + lo, dy, dyOff + lo, hi - lo);
        });
    }

    /** Elements from which the GELU is split over the threads (about 25 µs of work per thread). */
    private static final int PARALLEL_GELU_ELEMENTS = 1 << 16;


    @Override
    public void layerNorm(float[] x, int xOff, float[] w, float[] b, float[] y, int yOff, float[] mean, float[] rstd,
                          int rows, int dim, float eps) {
        int bound = FS.loopBound(dim);
        for (int r = 0; r < rows; r++) {
            int xb = xOff + r * dim;
            int yb = yOff + r * dim;
            FloatVector acc = FloatVector.zero(FS);
            int j = 0;
            for (; j < bound; j += FL) {
                acc = acc.add(FloatVector.fromArray(FS, x, xb + j));
            }
            float s = VMath.treeSum(acc);
            for (; j < dim; j++) {
                s += x[xb + j];
            }
            float mu = s / dim;
            FloatVector muv = FloatVector.broadcast(FS, mu);
            acc = FloatVector.zero(FS);
            for (j = 0; j < bound; j += FL) {
                FloatVector c = FloatVector.fromArray(FS, x, xb + j).sub(muv);
                acc = c.fma(c, acc);
            }
            float v = VMath.treeSum(acc);
            for (; j < dim; j++) {
                float c = x[xb + j] - mu;
                v += c * c;
            }
            float rs = (float) (1 / Math.sqrt((double) v / dim + eps));
            mean[r] = mu;
            rstd[r] = rs;
            FloatVector rsv = FloatVector.broadcast(FS, rs);
            for (j = 0; j < bound; j += FL) {
                FloatVector h = FloatVector.fromArray(FS, x, xb + j).sub(muv).mul(rsv);
                if (w != null) {
                    h = h.mul(FloatVector.fromArray(FS, w, j));
                }
                if (b != null) {
                    h = h.add(FloatVector.fromArray(FS, b, j));
                }
                h.intoArray(y, yb + j);
            }
            PlainKernels.normalizeRow(x, xb, mu, rs, w, b, y, yb, j, dim);
        }
    }

    /** Rows whose weight and bias gradients are summed in float32 before joining the float64 totals. */
    private static final int LN_GRAD_BLOCK = 16;

    @Override
    public void layerNormBackward(float[] x, int xOff, float[] g, int gOff, float[] w, float[] mean, float[] rstd,
                                  float[] dx, int dxOff, double[] dw, double[] db, int rows, int dim) {
        int bound = FS.loopBound(dim);
        // per block of rows: float32 partial sums (cheap to update), then one widening add into the totals
        float[] dwPart = dw == null ? null : new float[dim];
        float[] dbPart = db == null ? null : new float[dim];
        for (int r = 0; r < rows; r++) {
            int xb = xOff + r * dim;
            int gb = gOff + r * dim;
            float mu = mean[r];
            float rs = rstd[r];
            FloatVector muv = FloatVector.broadcast(FS, mu);
            FloatVector rsv = FloatVector.broadcast(FS, rs);
            FloatVector a1 = FloatVector.zero(FS);
            FloatVector a2 = FloatVector.zero(FS);
            int j = 0;
            for (; j < bound; j += FL) {
                FloatVector gj = FloatVector.fromArray(FS, g, gb + j);
                FloatVector xh = FloatVector.fromArray(FS, x, xb + j).sub(muv).mul(rsv);
                FloatVector h = w == null ? gj : gj.mul(FloatVector.fromArray(FS, w, j));
                a1 = a1.add(h);
                a2 = h.fma(xh, a2);
                if (dwPart != null) {
                    gj.fma(xh, FloatVector.fromArray(FS, dwPart, j)).intoArray(dwPart, j);
                }
                if (dbPart != null) {
                    gj.add(FloatVector.fromArray(FS, dbPart, j)).intoArray(dbPart, j);
                }
            }
            float m1 = VMath.treeSum(a1);
            float m2 = VMath.treeSum(a2);
            for (; j < dim; j++) {
                float gj = g[gb + j];
                float xh = (x[xb + j] - mu) * rs;
                float h = w == null ? gj : gj * w[j];
                m1 += h;
                m2 += h * xh;
                if (dwPart != null) {
                    dwPart[j] = Math.fma(gj, xh, dwPart[j]);
                }
                if (dbPart != null) {
                    dbPart[j] += gj;
                }
            }
            if ((r + 1) % LN_GRAD_BLOCK == 0 || r + 1 == rows) {
                flushInto(dwPart, dw, dim);
                flushInto(dbPart, db, dim);
            }
            if (dx == null) {
                continue;
            }
            m1 /= dim;
            m2 /= dim;
            FloatVector m1v = FloatVector.broadcast(FS, m1);
            FloatVector m2v = FloatVector.broadcast(FS, m2);
            int ob = dxOff + r * dim;
            for (j = 0; j < bound; j += FL) {
                FloatVector gj = FloatVector.fromArray(FS, g, gb + j);
                FloatVector xh = FloatVector.fromArray(FS, x, xb + j).sub(muv).mul(rsv);
                FloatVector h = w == null ? gj : gj.mul(FloatVector.fromArray(FS, w, j));
                h.sub(m1v).sub(xh.mul(m2v)).mul(rsv).intoArray(dx, ob + j);
            }
            for (; j < dim; j++) {
                float xh = (x[xb + j] - mu) * rs;
                float h = w == null ? g[gb + j] : g[gb + j] * w[j];
                dx[ob + j] = (h - m1 - xh * m2) * rs;
            }
        }
    }

    /** {@code total += part} (widened to float64), then clears {@code part}; no-op when part is null. */
    private static void flushInto(float[] part, double[] total, int n) {
        if (part == null) {
            return;
        }
        for (int j = 0; j < n; j++) {
            total[j] += part[j];
        }
        java.util.Arrays.fill(part, 0f);
    }

    @Override
    public double sumOfSquares(float[] x, int xOff, int n) {
        DoubleVector s0 = DoubleVector.zero(DS);
        DoubleVector s1 = DoubleVector.zero(DS);
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector v = FloatVector.fromArray(FS, x, xOff + i);
            DoubleVector lo = (DoubleVector) v.convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector hi = (DoubleVector) v.convertShape(VectorOperators.F2D, DS, 1);
            s0 = lo.fma(lo, s0);
            s1 = hi.fma(hi, s1);
        }
        double s = lanesInOrder(s0.add(s1));
        for (; i < n; i++) {
            double a = x[xOff + i];
            s += a * a;
        }
        return s;
    }
}
