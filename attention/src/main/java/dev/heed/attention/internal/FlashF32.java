package dev.heed.attention.internal;

import dev.heed.core.Blas;
import java.util.Arrays;

/**
 * Float32 tiles of the blocked online-softmax attention (FlashAttention-2 order): per query tile,
 * the key tiles are visited with a running row maximum and sum, so no more than one
 * {@code bq × bk} tile of scores exists per thread; the backward pass recomputes each tile's
 * weights from the saved log-sum-exp. Key tiles entirely beyond a row block's mask are never
 * visited. {@link FlashF64} is the float64 twin of this class, line for line (change both together),
 * except the short path ({@link #forwardShort}), which is float32 only: float64 serves gradient
 * checks, where its speed does not matter.
 */
final class FlashF32 {

    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    private FlashF32() {}

    /**
     * Forward over query rows {@code [q0, q0 + rows)} of every sequence and head.
     *
     * @param q pre-scaled queries
     * @param bias {@code [H, rows, biasKeys]} additive scores for this chunk, or null
     * @param out output {@code [B, H, Tq, dv]} (rows of this chunk are written)
     * @param lse log-sum-exp per row {@code [B, H, Tq]} ({@code -inf} for a row that sees no key)
     */
    static void forward(FlashGeometry g, float[] q, float[] k, float[] v, float[] bias, int q0, int rows,
                        int biasKeys, float[] out, float[] lse) {
        // one task per thread, each striding over sequences x heads with its own scratch tiles
        int tasks = Math.min(g.b * g.h, Blas.threads());
        Blas.parallelFor(tasks, t -> {
            float[] s = new float[g.bq * g.bk];
            float[] m = new float[g.bq];
            float[] l = new float[g.bq];
            float[] acc = new float[g.bq * g.dv];
            float[] kt = new float[g.d * g.tk];
            for (int bh = t; bh < g.b * g.h; bh += tasks) {
                int keys = g.limit(g.length(bh / g.h), q0 + rows - 1);
                transpose(k, bh * g.tk * g.d, keys, g.d, g.bk, kt);
                for (int i0 = q0; i0 < q0 + rows; i0 += g.bq) {
                    forwardTile(g, q, kt, keys, v, bias, q0, rows, biasKeys, out, lse, bh, i0,
                            Math.min(g.bq, q0 + rows - i0), s, m, l, acc);
                }
            }
        });
    }

    /** One query tile; {@code kt} holds this sequence-head's first {@code keys} keys transposed tile by tile. */
    private static void forwardTile(FlashGeometry g, float[] q, float[] kt, int keys, float[] v, float[] bias,
                                    int q0, int rows, int biasKeys, float[] out, float[] lse, int bh, int i0, int nq,
                                    float[] s, float[] m, float[] l, float[] acc) {
        int d = g.d;
        int dv = g.dv;
        int hh = bh % g.h;
        int len = g.length(bh / g.h);
        int kEnd = g.limit(len, i0 + nq - 1);
        Arrays.fill(m, 0, nq, NEG_INF);
        Arrays.fill(l, 0, nq, 0f);
        Arrays.fill(acc, 0, nq * dv, 0f);
        int qOff = (bh * g.tq + i0) * d;
        for (int j0 = 0; j0 < kEnd; j0 += g.bk) {
            int nk = Math.min(g.bk, kEnd - j0);
            // rows above r0 see no key of this tile (causal): they take no part in its products
            int r0 = g.firstRow(len, i0, nq, j0);
            int mq = nq - r0;
            int ktw = Math.min(g.bk, keys - j0); // row stride of this key tile in kt
            Blas.sgemm(false, false, mq, nk, d, 1f, q, qOff + r0 * d, d, kt, j0 * d, ktw, 0f, s, 0, nk);
            for (int r = r0; r < nq; r++) {
                int o = (r - r0) * nk;
                if (bias != null) {
                    int bo = (hh * rows + i0 - q0 + r) * biasKeys + j0;
                    for (int c = 0; c < nk; c++) {
                        s[o + c] += bias[bo + c];
                    }
                }
                int lim = Math.min(nk, Math.max(0, g.limit(len, i0 + r) - j0));
                if (lim < nk) {
                    Arrays.fill(s, o + lim, o + nk, NEG_INF);
                }
                float bmax = rowMax(s, o, lim);
                float mOld = m[r];
                float mNew = Math.max(mOld, bmax);
                if (mNew == NEG_INF) {
                    continue; // nothing visible yet: the row of s is all -inf and exponentiates to zeros
                }
                if (mNew != mOld) {
                    float alpha = mOld == NEG_INF ? 0f : (float) Math.exp(mOld - mNew);
                    l[r] *= alpha;
                    int ao = r * dv;
                    for (int c = 0; c < dv; c++) {
                        acc[ao + c] *= alpha;
                    }
                    m[r] = mNew;
                }
                for (int c = 0; c < lim; c++) {
                    s[o + c] -= mNew;
                }
            }
            Blas.exp(s, 0, mq * nk);
            for (int r = r0; r < nq; r++) {
                l[r] += rowSum(s, (r - r0) * nk, nk);
            }
            Blas.sgemm(false, false, mq, dv, nk, 1f, s, 0, nk, v, (bh * g.tk + j0) * dv, dv, 1f, acc, r0 * dv, dv);
        }
        for (int r = 0; r < nq; r++) {
            int row = bh * g.tq + i0 + r;
            int oo = row * dv;
            if (l[r] == 0f) {
                Arrays.fill(out, oo, oo + dv, 0f);
                lse[row] = NEG_INF;
                continue;
            }
            float inv = 1f / l[r];
            int ao = r * dv;
            for (int c = 0; c < dv; c++) {
                out[oo + c] = acc[ao + c] * inv;
            }
            lse[row] = m[r] + (float) Math.log(l[r]);
        }
    }

    /**
     * Backward over query rows {@code [q0, q0 + rows)}: accumulates into {@code dq} (of the pre-scaled
     * queries), {@code dk}, {@code dv} and, when not null, {@code dBias [H, rows, biasKeys]} summed over
     * the batch.
     *
     * @param delta per row {@code Σ dO ∘ O}
     */
    static void backward(FlashGeometry g, float[] q, float[] k, float[] v, float[] bias, int q0, int rows, int biasKeys,
                         float[] lse, float[] dO, float[] delta, float[] dq, float[] dk, float[] dv, float[] dBias) {
        // with a bias gradient a task owns whole heads and sums their batch in order, so tasks never share
        // an output and the sums do not depend on the thread count
        int units = dBias == null ? g.b * g.h : g.h;
        int tasks = Math.min(units, Blas.threads());
        Blas.parallelFor(tasks, t -> {
            float[] s = new float[g.bq * g.bk];
            float[] dp = new float[g.bq * g.bk];
            float[] kt = new float[g.d * g.tk];
            float[] vt = new float[g.dv * g.tk];
            for (int u = t; u < units; u += tasks) {
                for (int x = 0; x < (dBias == null ? 1 : g.b); x++) {
                    int bh = dBias == null ? u : x * g.h + u;
                    int keys = g.limit(g.length(bh / g.h), q0 + rows - 1);
                    transpose(k, bh * g.tk * g.d, keys, g.d, g.bk, kt);
                    transpose(v, bh * g.tk * g.dv, keys, g.dv, g.bk, vt);
                    for (int i0 = q0; i0 < q0 + rows; i0 += g.bq) {
                        backwardTile(g, q, k, kt, vt, keys, bias, q0, rows, biasKeys, lse, dO, delta, dq, dk, dv, dBias,
                                bh, i0, Math.min(g.bq, q0 + rows - i0), s, dp);
                    }
                }
            }
        });
    }

    /** One query tile; {@code kt} and {@code vt} hold the first {@code keys} keys and values transposed. */
    private static void backwardTile(FlashGeometry g, float[] q, float[] k, float[] kt, float[] vt, int keys,
                                     float[] bias, int q0, int rows,
                                     int biasKeys, float[] lse, float[] dO, float[] delta, float[] dq, float[] dk,
                                     float[] dv, float[] dBias, int bh, int i0, int nq, float[] s, float[] dp) {
        int d = g.d;
        int w = g.dv;
        int hh = bh % g.h;
        int len = g.length(bh / g.h);
        int kEnd = g.limit(len, i0 + nq - 1);
        int qOff = (bh * g.tq + i0) * d;
        int oOff = (bh * g.tq + i0) * w;
        int row0 = bh * g.tq + i0;
        for (int j0 = 0; j0 < kEnd; j0 += g.bk) {
            int nk = Math.min(g.bk, kEnd - j0);
            int r0 = g.firstRow(len, i0, nq, j0);
            int mq = nq - r0;
            int qr = qOff + r0 * d;
            int oRow = oOff + r0 * w;
            int ktw = Math.min(g.bk, keys - j0); // row stride of this key tile in kt and vt
            Blas.sgemm(false, false, mq, nk, d, 1f, q, qr, d, kt, j0 * d, ktw, 0f, s, 0, nk);
            for (int r = r0; r < nq; r++) {
                int o = (r - r0) * nk;
                float lr = lse[row0 + r];
                int lim = Math.min(nk, Math.max(0, g.limit(len, i0 + r) - j0));
                if (lr == NEG_INF || lim == 0) {
                    Arrays.fill(s, o, o + nk, NEG_INF);
                    continue;
                }
                if (bias != null) {
                    int bo = (hh * rows + i0 - q0 + r) * biasKeys + j0;
                    for (int c = 0; c < lim; c++) {
                        s[o + c] += bias[bo + c] - lr;
                    }
                } else {
                    for (int c = 0; c < lim; c++) {
                        s[o + c] -= lr;
                    }
                }
                if (lim < nk) {
                    Arrays.fill(s, o + lim, o + nk, NEG_INF);
                }
            }
            Blas.exp(s, 0, mq * nk);
            int kOff = (bh * g.tk + j0) * d;
            int vOff = (bh * g.tk + j0) * w;
            Blas.sgemm(true, false, nk, w, mq, 1f, s, 0, nk, dO, oRow, w, 1f, dv, vOff, w);
            Blas.sgemm(false, false, mq, nk, w, 1f, dO, oRow, w, vt, j0 * w, ktw, 0f, dp, 0, nk);
            for (int r = r0; r < nq; r++) {
                int o = (r - r0) * nk;
                float dr = delta[row0 + r];
                for (int c = 0; c < nk; c++) {
                    dp[o + c] = s[o + c] * (dp[o + c] - dr);
                }
                if (dBias != null) {
                    int bo = (hh * rows + i0 - q0 + r) * biasKeys + j0;
                    for (int c = 0; c < nk; c++) {
                        dBias[bo + c] += dp[o + c];
                    }
                }
            }
            Blas.sgemm(false, false, mq, d, nk, 1f, dp, 0, nk, k, kOff, d, 1f, dq, qr, d);
            Blas.sgemm(true, false, nk, d, mq, 1f, dp, 0, nk, q, qr, d, 1f, dk, kOff, d);
        }
    }

    /**
     * Where the rows of every sequence-head live in an array: row {@code i} of head {@code bh}
     * starts at {@code off + (bh / h) seq + (bh % h) head + i row}. Describes both the split
     * {@code [B, H, T, d]} layout and the packed projections {@code [B, T, 3, H, d]}, so the short
     * path reads and writes either in place.
     */
    record HeadRows(int off, int seq, int head, int row) {
        int at(int bh, int h) {
            return off + (bh / h) * seq + (bh % h) * head;
        }
    }

    /**
     * Forward of a short call (see {@link FlashAttention#SHORT_ROWS}): per sequence and head, the
     * whole score block in one product, stored transposed ({@code L × Tq}, L = the sequence's key
     * length, so that the softmax over keys runs down columns, lane-parallel, with no per-row
     * reduction), the masked softmax of the scores times {@code scale}, and one product with the
     * values, written to {@code out}. The weights are kept in {@code p} (head {@code bh}'s
     * {@code L × Tq} block at {@code bh Tq Tk}) for {@link #backwardShort}; rows that see no key
     * give zeros.
     */
    static void forwardShort(FlashGeometry g, float scale, float[] qa, HeadRows q, float[] ka, HeadRows k, float[] va,
                             HeadRows v, float[] out, HeadRows o, float[] p) {
        int tasks = Math.min(g.b * g.h, Blas.threads());
        Blas.parallelFor(tasks, t -> {
            float[] qt = new float[g.d * g.tq];
            for (int bh = t; bh < g.b * g.h; bh += tasks) {
                int len = g.length(bh / g.h);
                int oOff = o.at(bh, g.h);
                if (len == 0) {
                    for (int i = 0; i < g.tq; i++) {
                        Arrays.fill(out, oOff + i * o.row(), oOff + i * o.row() + g.dv, 0f);
                    }
                    continue;
                }
                int pOff = bh * g.tq * g.tk;
                transpose(qa, q.at(bh, g.h), q.row(), g.tq, g.d, g.tq, qt);
                Blas.sgemm(false, false, len, g.tq, g.d, ka, k.at(bh, g.h), k.row(), qt, 0, g.tq, p, pOff, g.tq);
                Blas.softmaxColumns(p, pOff, len, g.tq, scale, g.causal ? g.tk - g.tq + 1 : 0, g.causal ? g.tq : 0);
                Blas.sgemm(true, false, g.tq, g.dv, len, p, pOff, g.tq, va, v.at(bh, g.h), v.row(), out, oOff, o.row());
            }
        });
    }

    /**
     * Backward of {@link #forwardShort} from its kept weights, given the output gradient {@code dO}:
     * writes (not accumulates) the gradients of the queries, keys and values of every sequence and
     * head, each in its own layout; those of a sequence with no key are left untouched.
     */
    static void backwardShort(FlashGeometry g, float scale, float[] qa, HeadRows q, float[] ka, HeadRows k, float[] va,
                              HeadRows v, float[] p, float[] dO, HeadRows o, float[] dq, HeadRows dqr, float[] dk,
                              HeadRows dkr, float[] dv, HeadRows dvr) {
        int tasks = Math.min(g.b * g.h, Blas.threads());
        Blas.parallelFor(tasks, t -> {
            float[] dot = new float[g.dv * g.tq];
            float[] ds = new float[g.tq * g.tk];
            for (int bh = t; bh < g.b * g.h; bh += tasks) {
                int len = g.length(bh / g.h);
                if (len == 0) {
                    continue; // the outputs did not depend on this head
                }
                int pOff = bh * g.tq * g.tk;
                int oOff = o.at(bh, g.h);
                int kOff = k.at(bh, g.h);
                // everything below is transposed like the kept weights: keys down, queries across
                Blas.sgemm(false, false, len, g.dv, g.tq, p, pOff, g.tq, dO, oOff, o.row(), dv, dvr.at(bh, g.h), dvr.row());
                transpose(dO, oOff, o.row(), g.tq, g.dv, g.tq, dot);
                Blas.sgemm(false, false, len, g.tq, g.dv, va, v.at(bh, g.h), v.row(), dot, 0, g.tq, ds, 0, g.tq);
                Blas.softmaxColumnsBackward(p, pOff, ds, 0, len, g.tq, scale);
                Blas.sgemm(true, false, g.tq, g.d, len, ds, 0, g.tq, ka, kOff, k.row(), dq, dqr.at(bh, g.h), dqr.row());
                Blas.sgemm(false, false, len, g.d, g.tq, ds, 0, g.tq, qa, q.at(bh, g.h), q.row(), dk, dkr.at(bh, g.h),
                        dkr.row());
            }
        });
    }

    /**
     * The largest of {@code n} values from {@code x[o]} ({@code -inf} for none), over four
     * independent running maxima so consecutive comparisons do not wait on each other.
     */
    private static float rowMax(float[] x, int o, int n) {
        float m0 = NEG_INF;
        float m1 = NEG_INF;
        float m2 = NEG_INF;
        float m3 = NEG_INF;
        int c = 0;
        for (; c + 3 < n; c += 4) {
            m0 = Math.max(m0, x[o + c]);
            m1 = Math.max(m1, x[o + c + 1]);
            m2 = Math.max(m2, x[o + c + 2]);
            m3 = Math.max(m3, x[o + c + 3]);
        }
        for (; c < n; c++) {
            m0 = Math.max(m0, x[o + c]);
        }
        return Math.max(Math.max(m0, m1), Math.max(m2, m3));
    }

    /**
     * The sum of {@code n} values from {@code x[o]} as four interleaved partial sums added in a fixed
     * order (independent additions pipeline; one running sum waits on every addition).
     */
    private static float rowSum(float[] x, int o, int n) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int c = 0;
        for (; c + 3 < n; c += 4) {
            s0 += x[o + c];
            s1 += x[o + c + 1];
            s2 += x[o + c + 2];
            s3 += x[o + c + 3];
        }
        for (; c < n; c++) {
            s0 += x[o + c];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * Writes the first {@code n} rows of the {@code n × w} block at {@code src[off]} into {@code dst}
     * transposed tile by tile: the tile of rows {@code [j0, j0 + nk)} becomes a {@code w × nk} block at
     * {@code dst[j0 * w]}. The score products then read their right operand in place, contiguous,
     * instead of gathering it for every query tile.
     */
    private static void transpose(float[] src, int off, int n, int w, int tile, float[] dst) {
        transpose(src, off, w, n, w, tile, dst);
    }

    /** {@link #transpose(float[], int, int, int, int, float[])} of rows {@code stride} apart. */
    private static void transpose(float[] src, int off, int stride, int n, int w, int tile, float[] dst) {
        for (int j0 = 0; j0 < n; j0 += tile) {
            int nk = Math.min(tile, n - j0);
            int base = j0 * w;
            int p = 0;
            // four columns per pass: four independent loads and stores per row (measured 35% faster)
            for (; p + 3 < w; p += 4) {
                int o = base + p * nk;
                for (int j = 0, i = off + j0 * stride + p; j < nk; j++, i += stride) {
                    float a0 = src[i];
                    float a1 = src[i + 1];
                    float a2 = src[i + 2];
                    float a3 = src[i + 3];
                    dst[o + j] = a0;
                    dst[o + nk + j] = a1;
                    dst[o + 2 * nk + j] = a2;
                    dst[o + 3 * nk + j] = a3;
                }
            }
            for (; p < w; p++) {
                int o = base + p * nk;
                for (int j = 0, i = off + j0 * stride + p; j < nk; j++, i += stride) {
                    dst[o + j] = src[i];
                }
            }
        }
    }
}
