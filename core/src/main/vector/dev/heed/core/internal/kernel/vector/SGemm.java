package dev.heed.core.internal.kernel.vector;

import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 GEMM with the Vector API, in the Goto/BLIS style: C is computed in blocks; B is packed
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
 * <p>{@link DGemm} is the float64 twin of this class, line for line: change both together.
 */
final class SGemm {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Rows of the micro-kernel tile. */
    static final int MR = 4;
    /** Rows of the micro-kernel tile over packed A panels (12 accumulators, 15 live vectors). */
    static final int MRP = 6;
    /** Columns of the micro-kernel tile: two vectors. */
    static final int NR = 2 * L;
    /** Depth of one k chunk: a packed B micro-panel ({@code KC x NR}) stays in L1
     * (a packed B micro-panel of 256 x 32 floats is 32 KiB). */
    static final int KC = 256;
    /**
     * Depth of one k chunk when k is at least {@link #DEEP_K}. Every chunk reads and writes its
     * block of C once; for large products C no longer fits in the caches, and the deeper chunk
     * halves that traffic (the B micro-panel then streams from L2, which keeps up).
     */
    static final int KC_DEEP = 512;
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
    private static final List<VectorShuffle<Float>> FOLDS = folds();
    /** Below this many rows of A, full panels of an untransposed B are read in place. */
    static final int DIRECT_B_ROWS = 64;
    /** Lanes of the block {@link #transpose} is written for. */
    static final int TL = 16;
    /** Whether transposed B panels are packed by whole blocks in registers (else element by element). */
    static final boolean TRANSPOSE = L == TL;
    /** For {@link #transpose}: the permutations of lane l to l ^ w and the masks of the lanes with bit w set. */
    private static final VectorShuffle<Float> X8 = VectorShuffle.fromOp(S, l -> (l ^ 8) & (L - 1));
    private static final VectorMask<Float> M8 = VectorMask.fromLong(S, 0xFF00L);
    private static final VectorShuffle<Float> X4 = VectorShuffle.fromOp(S, l -> (l ^ 4) & (L - 1));
    private static final VectorMask<Float> M4 = VectorMask.fromLong(S, 0xF0F0L);
    private static final VectorShuffle<Float> X2 = VectorShuffle.fromOp(S, l -> (l ^ 2) & (L - 1));
    private static final VectorMask<Float> M2 = VectorMask.fromLong(S, 0xCCCCL);
    private static final VectorShuffle<Float> X1 = VectorShuffle.fromOp(S, l -> (l ^ 1) & (L - 1));
    private static final VectorMask<Float> M1 = VectorMask.fromLong(S, 0xAAAAL);

    private SGemm() {}

    private static List<VectorShuffle<Float>> folds() {
        List<VectorShuffle<Float>> folds = new ArrayList<>();
        for (int w = L / 2; w >= 1; w /= 2) {
            int shift = w;
            folds.add(VectorShuffle.fromOp(S, l -> (l + shift) % L));
        }
        return List.copyOf(folds);
    }

    /** Per-thread scratch: packed panels and the tile for edge updates. */
    static final class Scratch {
        float[] b = new float[0];
        final float[] a = new float[KC_DEEP * MR];
        final float[] ablk = new float[AS * ((MC + MRP - 1) / MRP * MRP)];
        final float[] tile = new float[Math.max(MR, MRP) * NR];
        float[] narrow = new float[0];
    }

    /**
     * Computes rows {@code [i0, i1)} and columns {@code [j0, j1)} of
     * {@code C = alpha * op(A) * op(B) + beta * C} on the calling thread.
     */
    static void gemm(Scratch s, boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc, int i0, int i1, int j0, int j1) {
        if (i0 >= i1 || j0 >= j1) {
            return;
        }
        if (k == 0) {
            for (int i = i0; i < i1; i++) {
                int ci = cOff + i * ldc;
                for (int j = j0; j < j1; j++) {
                    c[ci + j] = beta == 0f ? 0f : beta * c[ci + j];
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
                    s.b = new float[need];
                }
                float[] bp = s.b;
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
                        float[] bArr = directB && nr == NR ? b : bp;
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
                               float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float beta, float[] c, int cOff, int ldc, int i0, int i1) {
        if (s.narrow.length < n * Math.max(m, k)) {
            s.narrow = new float[n * Math.max(m, k)];
        }
        float[] t = s.narrow;
        if (transA) {
            // C^T = op(B)^T op(A)^T is n x m and wide, and A (stored k x m) is its untransposed right
            // operand: compute columns [i0, i1) of C^T with the panel kernels, then transpose.
            gemm(s, !transB, false, n, m, k, alpha, b, bOff, ldb, a, aOff, lda, 0f, t, 0, m, 0, n, i0, i1);
            for (int i = i0; i < i1; i++) {
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    float v = t[j * m + i];
                    c[ci + j] = beta == 0f ? v : v + beta * c[ci + j];
                }
            }
            return;
        }
        // Rows of A are contiguous: each element of C is a dot product with a column of op(B).
        float[] bt = b;
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
                FloatVector acc = FloatVector.zero(S);
                for (int p = 0; p < kv; p += L) {
                    acc = FloatVector.fromArray(S, a, ar + p).fma(FloatVector.fromArray(S, bt, br + p), acc);
                }
                // Fold the lanes in a fixed pairwise order (never the JIT's choice of order).
                for (VectorShuffle<Float> fold : FOLDS) {
                    acc = acc.add(acc.rearrange(fold));
                }
                float dot = acc.lane(0);
                for (int p = kv; p < k; p++) {
                    dot = Math.fma(a[ar + p], bt[br + p], dot);
                }
                float v = alpha * dot;
                c[ci + j] = beta == 0f ? v : v + beta * c[ci + j];
            }
        }
    }

    /** Packs rows {@code [pc, pc + kc)} and columns {@code [j, j + nr)} of op(B), zero-padded to NR. */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int j, int nr,
                              float[] dst, int d) {
        if (!transB) {
            int src = bOff + pc * ldb + j;
            if (nr == NR) {
                for (int p = 0; p < kc; p++, src += ldb, d += NR) {
                    FloatVector.fromArray(S, b, src).intoArray(dst, d);
                    FloatVector.fromArray(S, b, src + L).intoArray(dst, d + L);
                }
            } else {
                for (int p = 0; p < kc; p++, src += ldb, d += NR) {
                    System.arraycopy(b, src, dst, d, nr);
                    java.util.Arrays.fill(dst, d + nr, d + NR, 0f);
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
                    dst[o] = 0f;
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
    private static void transpose(float[] b, int src, int ldb, float[] dst, int d) {
        FloatVector y;
        FloatVector v0 = FloatVector.fromArray(S, b, src);
        FloatVector v1 = FloatVector.fromArray(S, b, src + 1 * ldb);
        FloatVector v2 = FloatVector.fromArray(S, b, src + 2 * ldb);
        FloatVector v3 = FloatVector.fromArray(S, b, src + 3 * ldb);
        FloatVector v4 = FloatVector.fromArray(S, b, src + 4 * ldb);
        FloatVector v5 = FloatVector.fromArray(S, b, src + 5 * ldb);
        FloatVector v6 = FloatVector.fromArray(S, b, src + 6 * ldb);
        FloatVector v7 = FloatVector.fromArray(S, b, src + 7 * ldb);
        FloatVector v8 = FloatVector.fromArray(S, b, src + 8 * ldb);
        FloatVector v9 = FloatVector.fromArray(S, b, src + 9 * ldb);
        FloatVector v10 = FloatVector.fromArray(S, b, src + 10 * ldb);
        FloatVector v11 = FloatVector.fromArray(S, b, src + 11 * ldb);
        FloatVector v12 = FloatVector.fromArray(S, b, src + 12 * ldb);
        FloatVector v13 = FloatVector.fromArray(S, b, src + 13 * ldb);
        FloatVector v14 = FloatVector.fromArray(S, b, src + 14 * ldb);
        FloatVector v15 = FloatVector.fromArray(S, b, src + 15 * ldb);
        // lanes with bit 8 set trade places with the same lanes of the row 8 further on
        y = v8.blend(v0, M8).rearrange(X8);
        v0 = v0.blend(y, M8);
        v8 = y.blend(v8, M8);
        y = v9.blend(v1, M8).rearrange(X8);
        v1 = v1.blend(y, M8);
        v9 = y.blend(v9, M8);
        y = v10.blend(v2, M8).rearrange(X8);
        v2 = v2.blend(y, M8);
        v10 = y.blend(v10, M8);
        y = v11.blend(v3, M8).rearrange(X8);
        v3 = v3.blend(y, M8);
        v11 = y.blend(v11, M8);
        y = v12.blend(v4, M8).rearrange(X8);
        v4 = v4.blend(y, M8);
        v12 = y.blend(v12, M8);
        y = v13.blend(v5, M8).rearrange(X8);
        v5 = v5.blend(y, M8);
        v13 = y.blend(v13, M8);
        y = v14.blend(v6, M8).rearrange(X8);
        v6 = v6.blend(y, M8);
        v14 = y.blend(v14, M8);
        y = v15.blend(v7, M8).rearrange(X8);
        v7 = v7.blend(y, M8);
        v15 = y.blend(v15, M8);
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
        y = v12.blend(v8, M4).rearrange(X4);
        v8 = v8.blend(y, M4);
        v12 = y.blend(v12, M4);
        y = v13.blend(v9, M4).rearrange(X4);
        v9 = v9.blend(y, M4);
        v13 = y.blend(v13, M4);
        y = v14.blend(v10, M4).rearrange(X4);
        v10 = v10.blend(y, M4);
        v14 = y.blend(v14, M4);
        y = v15.blend(v11, M4).rearrange(X4);
        v11 = v11.blend(y, M4);
        v15 = y.blend(v15, M4);
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
        y = v10.blend(v8, M2).rearrange(X2);
        v8 = v8.blend(y, M2);
        v10 = y.blend(v10, M2);
        y = v11.blend(v9, M2).rearrange(X2);
        v9 = v9.blend(y, M2);
        v11 = y.blend(v11, M2);
        y = v14.blend(v12, M2).rearrange(X2);
        v12 = v12.blend(y, M2);
        v14 = y.blend(v14, M2);
        y = v15.blend(v13, M2).rearrange(X2);
        v13 = v13.blend(y, M2);
        v15 = y.blend(v15, M2);
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
        y = v9.blend(v8, M1).rearrange(X1);
        v8 = v8.blend(y, M1);
        v9 = y.blend(v9, M1);
        y = v11.blend(v10, M1).rearrange(X1);
        v10 = v10.blend(y, M1);
        v11 = y.blend(v11, M1);
        y = v13.blend(v12, M1).rearrange(X1);
        v12 = v12.blend(y, M1);
        v13 = y.blend(v13, M1);
        y = v15.blend(v14, M1).rearrange(X1);
        v14 = v14.blend(y, M1);
        v15 = y.blend(v15, M1);
        v0.intoArray(dst, d);
        v1.intoArray(dst, d + 1 * NR);
        v2.intoArray(dst, d + 2 * NR);
        v3.intoArray(dst, d + 3 * NR);
        v4.intoArray(dst, d + 4 * NR);
        v5.intoArray(dst, d + 5 * NR);
        v6.intoArray(dst, d + 6 * NR);
        v7.intoArray(dst, d + 7 * NR);
        v8.intoArray(dst, d + 8 * NR);
        v9.intoArray(dst, d + 9 * NR);
        v10.intoArray(dst, d + 10 * NR);
        v11.intoArray(dst, d + 11 * NR);
        v12.intoArray(dst, d + 12 * NR);
        v13.intoArray(dst, d + 13 * NR);
        v14.intoArray(dst, d + 14 * NR);
        v15.intoArray(dst, d + 15 * NR);
    }

    /** Packs the last {@code mr < MR} rows of an A block, k-major and zero-padded to MR rows. */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int i, int mr, int pc, int kc,
                              float[] dst) {
        java.util.Arrays.fill(dst, 0, kc * MR, 0f);
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
    private static void packABlock(boolean transA, float[] a, int aOff, int lda, int i, int mc, int pc, int kc,
                                   float[] dst) {
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
            java.util.Arrays.fill(dst, r * AS, r * AS + kc, 0f);
        }
    }

    /**
     * The micro-kernel over packed panels, {@link #MRP} x {@link #NR}: A panel element (r, p) at
     * {@code a[ao + r * AS + p]}, B row p at {@code b[bo + p * NR]}. Only {@code mr x nr} is written;
     * a full tile that overwrites C is stored from the accumulators, the values the tile path writes.
     */
    private static void kernelPacked(int kc, float[] a, int ao, float[] b, int bo,
                                     float[] c, int ci, int ldc, float alpha, float beta, boolean first,
                                     int mr, int nr, float[] tile) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ia = ao + p;
            int ib = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, ib);
            FloatVector b1 = FloatVector.fromArray(S, b, ib + L);
            FloatVector av = FloatVector.broadcast(S, a[ia]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ia + AS]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ia + 2 * AS]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ia + 3 * AS]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ia + 4 * AS]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ia + 5 * AS]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        if (mr == MRP && nr == NR && alpha == 1f && first && beta == 0f) {
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
    private static void kernelTransposed(int kc, float[] a, int ao, int lda, float[] b, int bo,
                                     float[] c, int ci, int ldc, float alpha, float beta, boolean first,
                                     int nr, float[] tile) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ia = ao + p * lda;
            int ib = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, ib);
            FloatVector b1 = FloatVector.fromArray(S, b, ib + L);
            FloatVector av = FloatVector.broadcast(S, a[ia]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ia + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ia + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ia + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ia + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ia + 5]);
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
    private static void flush(float[] tile, float[] c, int ci, int ldc, float alpha, float beta, boolean first,
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
                float t = alpha * tile[r * NR + j];
                if (!first) {
                    c[ci + j] = c[ci + j] + t;
                } else if (beta == 0f) {
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
    private static void kernel(int kc, float[] a, int ai, int ars, int aps, float[] b, int bi, int bps,
                               float[] c, int ci, int ldc, float alpha, float beta, boolean first,
                               int mr, int nr, float[] tile) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        int a1 = ars;
        int a2 = 2 * ars;
        int a3 = 3 * ars;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ai + a1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ai + a2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ai + a3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            ai += aps;
            bi += bps;
        }
        if (mr == MR && nr == NR && alpha == 1f && first && beta == 0f) {
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
        if (mr == MR && nr == NR && alpha == 1f && (!first || beta == 1f)) {
            // a full tile added to C: C + sum, exactly what the tile path computes for these factors
            FloatVector.fromArray(S, c, ci).add(c00).intoArray(c, ci);
            FloatVector.fromArray(S, c, ci + L).add(c01).intoArray(c, ci + L);
            FloatVector.fromArray(S, c, ci + ldc).add(c10).intoArray(c, ci + ldc);
            FloatVector.fromArray(S, c, ci + ldc + L).add(c11).intoArray(c, ci + ldc + L);
            FloatVector.fromArray(S, c, ci + 2 * ldc).add(c20).intoArray(c, ci + 2 * ldc);
            FloatVector.fromArray(S, c, ci + 2 * ldc + L).add(c21).intoArray(c, ci + 2 * ldc + L);
            FloatVector.fromArray(S, c, ci + 3 * ldc).add(c30).intoArray(c, ci + 3 * ldc);
            FloatVector.fromArray(S, c, ci + 3 * ldc + L).add(c31).intoArray(c, ci + 3 * ldc + L);
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
    private static void update(float[] src, int off, float[] c, int idx, float alpha, float beta, boolean first) {
        FloatVector t = FloatVector.fromArray(S, src, off).mul(alpha);
        if (!first) {
            t = FloatVector.fromArray(S, c, idx).add(t);
        } else if (beta != 0f) {
            t = t.add(FloatVector.fromArray(S, c, idx).mul(beta));
        }
        t.intoArray(c, idx);
    }
}
