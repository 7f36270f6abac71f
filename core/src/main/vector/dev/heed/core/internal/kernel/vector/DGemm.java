package dev.heed.core.internal.kernel.vector;

import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float64 GEMM with the Vector API, in the Goto/BLIS style: C is computed in blocks; B is packed
 * into panels {@link #NR} columns wide (two vectors) and one k chunk deep ({@link #KC}, or
 * {@link #KC_DEEP} for deep products); A is packed into panels
 * of {@link #MRP} rows when the product is wide enough for that to pay, and otherwise read in
 * place. Two register-blocked micro-kernels: {@link #MRP} x 2 vectors over packed A (12
 * accumulators) and {@link #MR} x 2 vectors over A read with strides (8 accumulators). Both keep
 * the C updates out of the accumulation loop: with them inlined C2 spills accumulators and runs
 * several times slower. In the strided kernel a full tile with {@code alpha = 1} and {@code beta}
 * 0 or 1 (or a later k chunk) is stored or added to C straight from its accumulators, after the
 * loop: short products (attention's 32-deep tiles) otherwise spend a tenth of their time passing
 * through the tile. The packed kernel stores a full tile straight to C only in the overwrite case
 * ({@code alpha = 1}, {@code beta = 0}, first chunk; float32 256 x 256 x 32 products ran 15% faster);
 * adding there too made C2 compile it about twice slower within a full run (though not in
 * isolation). Transposed B panels are packed by square blocks transposed in registers (constant
 * one-input permutations and blends), not element by element.
 *
 * <p>Every element of C is computed the same way whatever region of C a call covers: the sum over
 * k is cut into the same chunks (their depth depends on k only), each chunk is accumulated with
 * fused multiply-adds in order, and the chunk results are folded into C in order with the same scalar or lane-wise
 * operations. So splitting C over threads never changes a bit of the result.
 *
 * <p>The float32 twin is {@link SGemm}, line for line: change both together.
 */
final class DGemm {

    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Rows of the micro-kernel tile. */
    static final int MR = 4;
    /** Rows of the micro-kernel tile over packed A panels (12 accumulators, 15 live vectors). */
    static final int MRP = 6;
    /** Columns of the micro-kernel tile: two vectors. */
    static final int NR = 2 * L;
    /** Depth of one k chunk: a packed B micro-panel ({@code KC x NR}) stays in L1
     * (a packed B micro-panel of 192 x 16 doubles is 24 KiB; measured faster than 256 here). */
    static final int KC = 192;
    /**
     * Depth of one k chunk when k is at least {@link #DEEP_K}. Every chunk reads and writes its
     * block of C once; for large products C no longer fits in the caches, and the deeper chunk
     * halves that traffic (the B micro-panel then streams from L2, which keeps up).
     */
    static final int KC_DEEP = 384;
    /** From this depth on, products use {@link #KC_DEEP} chunks. Depends on k only, never on the cut. */
    static final int DEEP_K = 1024;
    /** Row stride of a packed A block: the deepest chunk. */
    static final int AS = KC_DEEP;
    /** Rows of A per block: the block ({@code MC x KC}) stays in L2 while the panels of B pass. */
    static final int MC = 20 * MRP;
    /** Columns of B packed at once ({@code KC x NC}). */
    static final int NC = Math.max(NR, 2048 / NR * NR);
    /**
     * From this many columns of C on, A blocks go through the six-row kernels (packed, or read in
     * place when A is transposed). Packing an untransposed A is a row copy, a small fraction of the
     * {@code n / (2 L)} cycles each element of A costs in the product, so it pays from two panels
     * (measured on the char-LM shapes, e.g. 768 x 128 x 512: 10-20% faster than the four-row kernel
     * over A in place).
     */
    static final int PACK_A_COLS = 2 * NR;
    /** Products with at most this many columns and A transposed are computed through C^T. */
    static final int NARROW = Math.max(1, L / 2);
    /**
     * Products with at most this many columns and A not transposed are computed as dot products:
     * each costs a lane fold, so beyond a few columns the padded panels are faster (measured on
     * 64 x n x 64: 0.5 us for n = 1, 1.8 us for n = 4, 3.4 us for n = 8 against about 2 us).
     */
    static final int NARROW_DOT = Math.max(1, L / 4);
    /** Shuffles that move lane {@code l + w} to lane {@code l} for w = L/2, L/4, ..., 1. */
    private static final List<VectorShuffle<Double>> FOLDS = folds();
    /** Below this many rows of A, full panels of an untransposed B are read in place. */
    static final int DIRECT_B_ROWS = 64;
    /** Lanes of the block {@link #transpose} is written for. */
    static final int TL = 8;
    /** Whether transposed B panels are packed by whole blocks in registers (else element by element). */
    static final boolean TRANSPOSE = L == TL;
    /** For {@link #transpose}: the permutations of lane l to l ^ w and the masks of the lanes with bit w set. */
    private static final VectorShuffle<Double> X4 = VectorShuffle.fromOp(S, l -> (l ^ 4) & (L - 1));
    private static final VectorMask<Double> M4 = VectorMask.fromLong(S, 0xF0L);
    private static final VectorShuffle<Double> X2 = VectorShuffle.fromOp(S, l -> (l ^ 2) & (L - 1));
    private static final VectorMask<Double> M2 = VectorMask.fromLong(S, 0xCCL);
    private static final VectorShuffle<Double> X1 = VectorShuffle.fromOp(S, l -> (l ^ 1) & (L - 1));
    private static final VectorMask<Double> M1 = VectorMask.fromLong(S, 0xAAL);

    private DGemm() {}

    private static List<VectorShuffle<Double>> folds() {
        List<VectorShuffle<Double>> folds = new ArrayList<>();
        for (int w = L / 2; w >= 1; w /= 2) {
            int shift = w;
            folds.add(VectorShuffle.fromOp(S, l -> (l + shift) % L));
        }
        return List.copyOf(folds);
    }

    /** Per-thread scratch: packed panels and the tile for edge updates. */
    static final class Scratch {
        double[] b = new double[0];
        final double[] a = new double[KC_DEEP * MR];
        final double[] ablk = new double[AS * ((MC + MRP - 1) / MRP * MRP)];
        final double[] tile = new double[Math.max(MR, MRP) * NR];
        double[] narrow = new double[0];
    }

    /**
     * Computes rows {@code [i0, i1)} and columns {@code [j0, j1)} of
     * {@code C = alpha * op(A) * op(B) + beta * C} on the calling thread.
     */
    static void gemm(Scratch s, boolean transA, boolean transB, int m, int n, int k,
                     double alpha, double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                     double beta, double[] c, int cOff, int ldc, int i0, int i1, int j0, int j1) {
        if (i0 >= i1 || j0 >= j1) {
            return;
        }
        if (k == 0) {
            for (int i = i0; i < i1; i++) {
                int ci = cOff + i * ldc;
                for (int j = j0; j < j1; j++) {
                    c[ci + j] = beta == 0.0 ? 0.0 : beta * c[ci + j];
                }
            }
            return;
        }
        if (j0 == 0 && j1 == n && isNarrow(transA, m, n, k)) {
            narrow(s, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, i0, i1);
            return;
        }
        boolean directB = !transB && (i1 - i0) <= DIRECT_B_ROWS;
        // Packing A pays when each A block meets many B panels; for narrow products it is overhead.
        boolean packA = !directB && (j1 - j0) >= PACK_A_COLS;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            int panels = (nc + NR - 1) / NR;
            int chunk = chunk(k);
            for (int pc = 0; pc < k; pc += chunk) {
                int kc = Math.min(chunk, k - pc);
                boolean first = pc == 0;
                int need = kc * NR * (directB ? 1 : panels);
                if (s.b.length < need) {
                    s.b = new double[need];
                }
                double[] bp = s.b;
                if (!directB) {
                    for (int q = 0; q < panels; q++) {
                        int jr = q * NR;
                        packB(transB, b, bOff, ldb, pc, kc, jc + jr, Math.min(NR, nc - jr), bp, q * kc * NR);
                    }
                } else if (nc % NR != 0) {
                    int jr = (panels - 1) * NR;
                    packB(false, b, bOff, ldb, pc, kc, jc + jr, nc - jr, bp, 0);
                }
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    if (packA) {
                        // A transposed holds the rows of op(A) side by side at each k: full panels are
                        // read in place, only a partial last panel is packed.
                        int inPlace = transA ? mc / MRP * MRP : 0;
                        if (inPlace < mc) {
                            packABlock(transA, a, aOff, lda, ic + inPlace, mc - inPlace, pc, kc, s.ablk);
                        }
                        for (int q = 0; q < panels; q++) {
                            int jr = q * NR;
                            int nr = Math.min(NR, nc - jr);
                            int ci0 = cOff + jc + jr;
                            for (int ir = 0; ir < mc; ir += MRP) {
                                if (ir < inPlace) {
                                    kernelTransposed(kc, a, aOff + pc * lda + ic + ir, lda, bp, q * kc * NR, c,
                                            ci0 + (ic + ir) * ldc, ldc, alpha, beta, first, nr, s.tile);
                                } else {
                                    kernelPacked(kc, s.ablk, (ir - inPlace) * AS, bp, q * kc * NR, c,
                                            ci0 + (ic + ir) * ldc, ldc, alpha, beta, first, Math.min(MRP, mc - ir), nr,
                                            s.tile);
                                }
                            }
                        }
                        continue;
                    }
                    int fullRows = mc / MR * MR;
                    if (fullRows < mc) {
                        packA(transA, a, aOff, lda, ic + fullRows, mc - fullRows, pc, kc, s.a);
                    }
                    for (int q = 0; q < panels; q++) {
                        int jr = q * NR;
                        int nr = Math.min(NR, nc - jr);
                        int bi;
                        int bps;
                        if (!directB) {
                            bi = q * kc * NR;
                            bps = NR;
                        } else if (nr == NR) {
                            bi = bOff + pc * ldb + jc + jr;
                            bps = ldb;
                        } else {
                            bi = 0;
                            bps = NR;
                        }
                        double[] bArr = directB && nr == NR ? b : bp;
                        int ci0 = cOff + jc + jr;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int i = ic + ir;
                            int mr = Math.min(MR, mc - ir);
                            if (mr == MR) {
                                if (transA) {
                                    kernel(kc, a, aOff + pc * lda + i, 1, lda, bArr, bi, bps,
                                            c, ci0 + i * ldc, ldc, alpha, beta, first, mr, nr, s.tile);
                                } else {
                                    kernel(kc, a, aOff + i * lda + pc, lda, 1, bArr, bi, bps,
                                            c, ci0 + i * ldc, ldc, alpha, beta, first, mr, nr, s.tile);
                                }
                            } else {
                                kernel(kc, s.a, 0, 1, MR, bArr, bi, bps,
                                        c, ci0 + i * ldc, ldc, alpha, beta, first, mr, nr, s.tile);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The k chunk of a product of depth {@code k}: the same for every cut of C over threads. */
    static int chunk(int k) {
        return k >= DEEP_K ? KC_DEEP : KC;
    }

    /**
     * Whether a product is narrow enough that two-vector panels would mostly multiply padding.
     * The choice depends on the shape only, so it is the same for every split of the rows over
     * threads.
     */
    static boolean isNarrow(boolean transA, int m, int n, int k) {
        return transA ? n <= NARROW && m >= 2 * L : n <= NARROW_DOT && k >= L;
    }

    /** Rows {@code [i0, i1)} of a narrow product. */
    private static void narrow(Scratch s, boolean transA, boolean transB, int m, int n, int k,
                               double alpha, double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                               double beta, double[] c, int cOff, int ldc, int i0, int i1) {
        if (s.narrow.length < n * Math.max(m, k)) {
            s.narrow = new double[n * Math.max(m, k)];
        }
        double[] t = s.narrow;
        if (transA) {
            // C^T = op(B)^T op(A)^T is n x m and wide, and A (stored k x m) is its untransposed right
            // operand: compute columns [i0, i1) of C^T with the panel kernels, then transpose.
            gemm(s, !transB, false, n, m, k, alpha, b, bOff, ldb, a, aOff, lda, 0.0, t, 0, m, 0, n, i0, i1);
            for (int i = i0; i < i1; i++) {
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    double v = t[j * m + i];
                    c[ci + j] = beta == 0.0 ? v : v + beta * c[ci + j];
                }
            }
            return;
        }
        // Rows of A are contiguous: each element of C is a dot product with a column of op(B).
        double[] bt = b;
        int bto = bOff;
        int btl = ldb;
        if (!transB) {
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < k; p++) {
                    t[j * k + p] = b[bOff + p * ldb + j];
                }
            }
            bt = t;
            bto = 0;
            btl = k;
        }
        int kv = S.loopBound(k);
        for (int i = i0; i < i1; i++) {
            int ar = aOff + i * lda;
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                int br = bto + j * btl;
                DoubleVector acc = DoubleVector.zero(S);
                for (int p = 0; p < kv; p += L) {
                    acc = DoubleVector.fromArray(S, a, ar + p).fma(DoubleVector.fromArray(S, bt, br + p), acc);
                }
                // Fold the lanes in a fixed pairwise order (never the JIT's choice of order).
                for (VectorShuffle<Double> fold : FOLDS) {
                    acc = acc.add(acc.rearrange(fold));
                }
                double dot = acc.lane(0);
                for (int p = kv; p < k; p++) {
                    dot = Math.fma(a[ar + p], bt[br + p], dot);
                }
                double v = alpha * dot;
                c[ci + j] = beta == 0.0 ? v : v + beta * c[ci + j];
            }
        }
    }

    /** Packs rows {@code [pc, pc + kc)} and columns {@code [j, j + nr)} of op(B), zero-padded to NR. */
    private static void packB(boolean transB, double[] b, int bOff, int ldb, int pc, int kc, int j, int nr,
                              double[] dst, int d) {
        if (!transB) {
            int src = bOff + pc * ldb + j;
            if (nr == NR) {
                for (int p = 0; p < kc; p++, src += ldb, d += NR) {
                    DoubleVector.fromArray(S, b, src).intoArray(dst, d);
                    DoubleVector.fromArray(S, b, src + L).intoArray(dst, d + L);
                }
            } else {
                for (int p = 0; p < kc; p++, src += ldb, d += NR) {
                    System.arraycopy(b, src, dst, d, nr);
                    java.util.Arrays.fill(dst, d + nr, d + NR, 0.0);
                }
            }
        } else {
            // B is stored n x k: column j of op(B) is a contiguous run of row j. Whole L x L blocks
            // are transposed in registers; the columns and depths beyond them are copied one by one.
            int cols = TRANSPOSE ? nr / L * L : 0;
            int deep = TRANSPOSE ? kc / L * L : 0;
            for (int h = 0; h < cols; h += L) {
                int src = bOff + (j + h) * ldb + pc;
                for (int p = 0; p < deep; p += L) {
                    transpose(b, src + p, ldb, dst, d + p * NR + h);
                }
            }
            for (int jj = 0; jj < nr; jj++) {
                int p0 = jj < cols ? deep : 0;
                int src = bOff + (j + jj) * ldb + pc;
                for (int p = p0, o = d + jj + p0 * NR; p < kc; p++, o += NR) {
                    dst[o] = b[src + p];
                }
            }
            for (int jj = nr; jj < NR; jj++) {
                for (int p = 0, o = d + jj; p < kc; p++, o += NR) {
                    dst[o] = 0.0;
                }
            }
        }
    }

    /**
     * Transposes one {@value #TL} x {@value #TL} block in registers: row r of the block (columns of
     * op(B)) is read from {@code b[src + r * ldb]}, and row p of the transpose is written whole to
     * {@code dst[d + p * NR]}. Log2(L) butterfly stages; in the stage of distance w, rows r and
     * r + w (r with bit w clear) exchange the lanes l with bit w set in row r against the lanes
     * l - w of row r + w, with one constant one-input permutation (l to l ^ w) and blends under
     * constant masks. Takes arrays rather than vectors, so it stays fast even when not inlined.
     */
    private static void transpose(double[] b, int src, int ldb, double[] dst, int d) {
        DoubleVector y;
        DoubleVector v0 = DoubleVector.fromArray(S, b, src);
        DoubleVector v1 = DoubleVector.fromArray(S, b, src + 1 * ldb);
        DoubleVector v2 = DoubleVector.fromArray(S, b, src + 2 * ldb);
        DoubleVector v3 = DoubleVector.fromArray(S, b, src + 3 * ldb);
        DoubleVector v4 = DoubleVector.fromArray(S, b, src + 4 * ldb);
        DoubleVector v5 = DoubleVector.fromArray(S, b, src + 5 * ldb);
        DoubleVector v6 = DoubleVector.fromArray(S, b, src + 6 * ldb);
        DoubleVector v7 = DoubleVector.fromArray(S, b, src + 7 * ldb);
        // lanes with bit 4 set trade places with the same lanes of the row 4 further on
        y = v4.blend(v0, M4).rearrange(X4);
        v0 = v0.blend(y, M4);
        v4 = y.blend(v4, M4);
        y = v5.blend(v1, M4).rearrange(X4);
        v1 = v1.blend(y, M4);
        v5 = y.blend(v5, M4);
        y = v6.blend(v2, M4).rearrange(X4);
        v2 = v2.blend(y, M4);
        v6 = y.blend(v6, M4);
        y = v7.blend(v3, M4).rearrange(X4);
        v3 = v3.blend(y, M4);
        v7 = y.blend(v7, M4);
        // lanes with bit 2 set trade places with the same lanes of the row 2 further on
        y = v2.blend(v0, M2).rearrange(X2);
        v0 = v0.blend(y, M2);
        v2 = y.blend(v2, M2);
        y = v3.blend(v1, M2).rearrange(X2);
        v1 = v1.blend(y, M2);
        v3 = y.blend(v3, M2);
        y = v6.blend(v4, M2).rearrange(X2);
        v4 = v4.blend(y, M2);
        v6 = y.blend(v6, M2);
        y = v7.blend(v5, M2).rearrange(X2);
        v5 = v5.blend(y, M2);
        v7 = y.blend(v7, M2);
        // lanes with bit 1 set trade places with the same lanes of the row 1 further on
        y = v1.blend(v0, M1).rearrange(X1);
        v0 = v0.blend(y, M1);
        v1 = y.blend(v1, M1);
        y = v3.blend(v2, M1).rearrange(X1);
        v2 = v2.blend(y, M1);
        v3 = y.blend(v3, M1);
        y = v5.blend(v4, M1).rearrange(X1);
        v4 = v4.blend(y, M1);
        v5 = y.blend(v5, M1);
        y = v7.blend(v6, M1).rearrange(X1);
        v6 = v6.blend(y, M1);
        v7 = y.blend(v7, M1);
        v0.intoArray(dst, d);
        v1.intoArray(dst, d + 1 * NR);
        v2.intoArray(dst, d + 2 * NR);
        v3.intoArray(dst, d + 3 * NR);
        v4.intoArray(dst, d + 4 * NR);
        v5.intoArray(dst, d + 5 * NR);
        v6.intoArray(dst, d + 6 * NR);
        v7.intoArray(dst, d + 7 * NR);
    }

    /** Packs the last {@code mr < MR} rows of an A block, k-major and zero-padded to MR rows. */
    private static void packA(boolean transA, double[] a, int aOff, int lda, int i, int mr, int pc, int kc,
                              double[] dst) {
        java.util.Arrays.fill(dst, 0, kc * MR, 0.0);
        for (int r = 0; r < mr; r++) {
            for (int p = 0; p < kc; p++) {
                dst[p * MR + r] = transA ? a[aOff + (pc + p) * lda + i + r] : a[aOff + (i + r) * lda + pc + p];
            }
        }
    }

    /**
     * Packs rows {@code [i, i + mc)} of an A block row by row, {@link #AS} apart: element (r, p) of
     * the block goes to {@code dst[r * AS + p]}, and rows up to the next multiple of MRP are zero.
     * Rows of an untransposed A are plain copies; the fixed row stride lets the micro-kernel
     * address its six rows with constant offsets.
     */
    private static void packABlock(boolean transA, double[] a, int aOff, int lda, int i, int mc, int pc, int kc,
                                   double[] dst) {
        int rows = (mc + MRP - 1) / MRP * MRP;
        if (transA) {
            int src = aOff + pc * lda + i;
            for (int p = 0; p < kc; p++, src += lda) {
                for (int r = 0, d = p; r < mc; r++, d += AS) {
                    dst[d] = a[src + r];
                }
            }
        } else {
            for (int r = 0; r < mc; r++) {
                System.arraycopy(a, aOff + (i + r) * lda + pc, dst, r * AS, kc);
            }
        }
        for (int r = mc; r < rows; r++) {
            java.util.Arrays.fill(dst, r * AS, r * AS + kc, 0.0);
        }
    }

    /**
     * The micro-kernel over packed panels, {@link #MRP} x {@link #NR}: A panel element (r, p) at
     * {@code a[ao + r * AS + p]}, B row p at {@code b[bo + p * NR]}. Only {@code mr x nr} is written;
     * a full tile that overwrites C is stored from the accumulators, the values the tile path writes.
     */
    private static void kernelPacked(int kc, double[] a, int ao, double[] b, int bo,
                                     double[] c, int ci, int ldc, double alpha, double beta, boolean first,
                                     int mr, int nr, double[] tile) {
        DoubleVector c00 = DoubleVector.zero(S);
        DoubleVector c01 = DoubleVector.zero(S);
        DoubleVector c10 = DoubleVector.zero(S);
        DoubleVector c11 = DoubleVector.zero(S);
        DoubleVector c20 = DoubleVector.zero(S);
        DoubleVector c21 = DoubleVector.zero(S);
        DoubleVector c30 = DoubleVector.zero(S);
        DoubleVector c31 = DoubleVector.zero(S);
        DoubleVector c40 = DoubleVector.zero(S);
        DoubleVector c41 = DoubleVector.zero(S);
        DoubleVector c50 = DoubleVector.zero(S);
        DoubleVector c51 = DoubleVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ia = ao + p;
            int ib = bo + p * NR;
            DoubleVector b0 = DoubleVector.fromArray(S, b, ib);
            DoubleVector b1 = DoubleVector.fromArray(S, b, ib + L);
            DoubleVector av = DoubleVector.broadcast(S, a[ia]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = DoubleVector.broadcast(S, a[ia + AS]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = DoubleVector.broadcast(S, a[ia + 2 * AS]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = DoubleVector.broadcast(S, a[ia + 3 * AS]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = DoubleVector.broadcast(S, a[ia + 4 * AS]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = DoubleVector.broadcast(S, a[ia + 5 * AS]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        if (mr == MRP && nr == NR && alpha == 1.0 && first && beta == 0.0) {
            c00.intoArray(c, ci);
            c01.intoArray(c, ci + L);
            c10.intoArray(c, ci + ldc);
            c11.intoArray(c, ci + ldc + L);
            c20.intoArray(c, ci + 2 * ldc);
            c21.intoArray(c, ci + 2 * ldc + L);
            c30.intoArray(c, ci + 3 * ldc);
            c31.intoArray(c, ci + 3 * ldc + L);
            c40.intoArray(c, ci + 4 * ldc);
            c41.intoArray(c, ci + 4 * ldc + L);
            c50.intoArray(c, ci + 5 * ldc);
            c51.intoArray(c, ci + 5 * ldc + L);
            return;
        }
        // Spill the accumulators to the tile and fold them into C in a separate method: with the
        // twelve C updates inlined here C2 runs out of registers in the loop above.
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        flush(tile, c, ci, ldc, alpha, beta, first, mr, nr);
    }

    /**
     * {@link #kernelPacked} over a transposed A read in place: element (r, p) of the panel at
     * {@code a[ao + p * lda + r]}, all {@link #MRP} rows present. Same operations in the same order,
     * so the result does not depend on which kernel computed a tile. A separate copy rather than one
     * kernel with a row stride parameter: with constant row offsets the six broadcasts need no
     * extra registers beside the twelve accumulators.
     */
    private static void kernelTransposed(int kc, double[] a, int ao, int lda, double[] b, int bo,
                                     double[] c, int ci, int ldc, double alpha, double beta, boolean first,
                                     int nr, double[] tile) {
        DoubleVector c00 = DoubleVector.zero(S);
        DoubleVector c01 = DoubleVector.zero(S);
        DoubleVector c10 = DoubleVector.zero(S);
        DoubleVector c11 = DoubleVector.zero(S);
        DoubleVector c20 = DoubleVector.zero(S);
        DoubleVector c21 = DoubleVector.zero(S);
        DoubleVector c30 = DoubleVector.zero(S);
        DoubleVector c31 = DoubleVector.zero(S);
        DoubleVector c40 = DoubleVector.zero(S);
        DoubleVector c41 = DoubleVector.zero(S);
        DoubleVector c50 = DoubleVector.zero(S);
        DoubleVector c51 = DoubleVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ia = ao + p * lda;
            int ib = bo + p * NR;
            DoubleVector b0 = DoubleVector.fromArray(S, b, ib);
            DoubleVector b1 = DoubleVector.fromArray(S, b, ib + L);
            DoubleVector av = DoubleVector.broadcast(S, a[ia]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = DoubleVector.broadcast(S, a[ia + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = DoubleVector.broadcast(S, a[ia + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = DoubleVector.broadcast(S, a[ia + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = DoubleVector.broadcast(S, a[ia + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = DoubleVector.broadcast(S, a[ia + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        flush(tile, c, ci, ldc, alpha, beta, first, MRP, nr);
    }

    /** Folds an {@code mr x nr} tile (rows NR apart) into C, exactly as {@link #update} does. */
    private static void flush(double[] tile, double[] c, int ci, int ldc, double alpha, double beta, boolean first,
                              int mr, int nr) {
        if (nr == NR) {
            for (int r = 0; r < mr; r++, ci += ldc) {
                update(tile, r * NR, c, ci, alpha, beta, first);
                update(tile, r * NR + L, c, ci + L, alpha, beta, first);
            }
            return;
        }
        for (int r = 0; r < mr; r++, ci += ldc) {
            for (int j = 0; j < nr; j++) {
                double t = alpha * tile[r * NR + j];
                if (!first) {
                    c[ci + j] = c[ci + j] + t;
                } else if (beta == 0.0) {
                    c[ci + j] = t;
                } else {
                    c[ci + j] = t + beta * c[ci + j];
                }
            }
        }
    }

    /**
     * The micro-kernel: an MR x NR tile of C from kc steps. A element (r, p) is at
     * {@code a[ai + r * ars + p * aps]}; the NR values of B row p start at {@code b[bi + p * bps]}.
     * Only the top-left {@code mr x nr} corner is written.
     */
    private static void kernel(int kc, double[] a, int ai, int ars, int aps, double[] b, int bi, int bps,
                               double[] c, int ci, int ldc, double alpha, double beta, boolean first,
                               int mr, int nr, double[] tile) {
        DoubleVector c00 = DoubleVector.zero(S);
        DoubleVector c01 = DoubleVector.zero(S);
        DoubleVector c10 = DoubleVector.zero(S);
        DoubleVector c11 = DoubleVector.zero(S);
        DoubleVector c20 = DoubleVector.zero(S);
        DoubleVector c21 = DoubleVector.zero(S);
        DoubleVector c30 = DoubleVector.zero(S);
        DoubleVector c31 = DoubleVector.zero(S);
        int a1 = ars;
        int a2 = 2 * ars;
        int a3 = 3 * ars;
        for (int p = 0; p < kc; p++) {
            DoubleVector b0 = DoubleVector.fromArray(S, b, bi);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bi + L);
            DoubleVector av = DoubleVector.broadcast(S, a[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = DoubleVector.broadcast(S, a[ai + a1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = DoubleVector.broadcast(S, a[ai + a2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = DoubleVector.broadcast(S, a[ai + a3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            ai += aps;
            bi += bps;
        }
        if (mr == MR && nr == NR && alpha == 1.0 && first && beta == 0.0) {
            // A full tile that overwrites C (short products such as attention's score tiles): store
            // the sums directly, the same values the tile path would write.
            c00.intoArray(c, ci);
            c01.intoArray(c, ci + L);
            c10.intoArray(c, ci + ldc);
            c11.intoArray(c, ci + ldc + L);
            c20.intoArray(c, ci + 2 * ldc);
            c21.intoArray(c, ci + 2 * ldc + L);
            c30.intoArray(c, ci + 3 * ldc);
            c31.intoArray(c, ci + 3 * ldc + L);
            return;
        }
        if (mr == MR && nr == NR && alpha == 1.0 && (!first || beta == 1.0)) {
            // a full tile added to C: C + sum, exactly what the tile path computes for these factors
            DoubleVector.fromArray(S, c, ci).add(c00).intoArray(c, ci);
            DoubleVector.fromArray(S, c, ci + L).add(c01).intoArray(c, ci + L);
            DoubleVector.fromArray(S, c, ci + ldc).add(c10).intoArray(c, ci + ldc);
            DoubleVector.fromArray(S, c, ci + ldc + L).add(c11).intoArray(c, ci + ldc + L);
            DoubleVector.fromArray(S, c, ci + 2 * ldc).add(c20).intoArray(c, ci + 2 * ldc);
            DoubleVector.fromArray(S, c, ci + 2 * ldc + L).add(c21).intoArray(c, ci + 2 * ldc + L);
            DoubleVector.fromArray(S, c, ci + 3 * ldc).add(c30).intoArray(c, ci + 3 * ldc);
            DoubleVector.fromArray(S, c, ci + 3 * ldc + L).add(c31).intoArray(c, ci + 3 * ldc + L);
            return;
        }
        // Spill to the tile and fold from there: passing vectors to a helper that C2 declines to
        // inline boxes them and runs the Vector API's slow Java fallback (seen in RL profiles).
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        flush(tile, c, ci, ldc, alpha, beta, first, mr, nr);
    }

    /**
     * Folds one vector of accumulated sums, read from {@code src} at {@code off}, into C exactly as
     * the scalar edge path does. Takes arrays, not vectors, so it stays fast even when not inlined.
     */
    private static void update(double[] src, int off, double[] c, int idx, double alpha, double beta, boolean first) {
        DoubleVector t = DoubleVector.fromArray(S, src, off).mul(alpha);
        if (!first) {
            t = DoubleVector.fromArray(S, c, idx).add(t);
        } else if (beta != 0.0) {
            t = t.add(DoubleVector.fromArray(S, c, idx).mul(beta));
        }
        t.intoArray(c, idx);
    }
}
