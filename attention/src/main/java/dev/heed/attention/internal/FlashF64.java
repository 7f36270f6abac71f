package dev.heed.attention.internal;

import dev.heed.core.Blas;
import java.util.Arrays;

/**
 * Float64 tiles of the blocked online-softmax attention (FlashAttention-2 order): per query tile,
 * the key tiles are visited with a running row maximum and sum, so no more than one
 * {@code bq × bk} tile of scores exists per thread; the backward pass recomputes each tile's
 * weights from the saved log-sum-exp. Key tiles entirely beyond a row block's mask are never
 * visited. {@link FlashF32} is the float32 twin of this class, line for line (change both together);
 * only the float32 class has the short path for whole score blocks.
 */
final class FlashF64 {

    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    private FlashF64() {}

    /**
     * Forward over query rows {@code [q0, q0 + rows)} of every sequence and head.
     *
     * @param q pre-scaled queries
     * @param bias {@code [H, rows, biasKeys]} additive scores for this chunk, or null
     * @param out output {@code [B, H, Tq, dv]} (rows of this chunk are written)
     * @param lse log-sum-exp per row {@code [B, H, Tq]} ({@code -inf} for a row that sees no key)
     */
    static void forward(FlashGeometry g, double[] q, double[] k, double[] v, double[] bias, int q0, int rows,
                        int biasKeys, double[] out, double[] lse) {
        // one task per thread, each striding over sequences x heads with its own scratch tiles
        int tasks = Math.min(g.b * g.h, Blas.threads());
        Blas.parallelFor(tasks, t -> {
            double[] s = new double[g.bq * g.bk];
            double[] m = new double[g.bq];
            double[] l = new double[g.bq];
            double[] acc = new double[g.bq * g.dv];
            double[] kt = new double[g.d * g.tk];
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
    private static void forwardTile(FlashGeometry g, double[] q, double[] kt, int keys, double[] v, double[] bias,
                                    int q0, int rows, int biasKeys, double[] out, double[] lse, int bh, int i0, int nq,
                                    double[] s, double[] m, double[] l, double[] acc) {
        int d = g.d;
        int dv = g.dv;
        int hh = bh % g.h;
        int len = g.length(bh / g.h);
        int kEnd = g.limit(len, i0 + nq - 1);
        Arrays.fill(m, 0, nq, NEG_INF);
        Arrays.fill(l, 0, nq, 0.0);
        Arrays.fill(acc, 0, nq * dv, 0.0);
        int qOff = (bh * g.tq + i0) * d;
        for (int j0 = 0; j0 < kEnd; j0 += g.bk) {
            int nk = Math.min(g.bk, kEnd - j0);
            // rows above r0 see no key of this tile (causal): they take no part in its products
            int r0 = g.firstRow(len, i0, nq, j0);
            int mq = nq - r0;
            int ktw = Math.min(g.bk, keys - j0); // row stride of this key tile in kt
            Blas.dgemm(false, false, mq, nk, d, 1.0, q, qOff + r0 * d, d, kt, j0 * d, ktw, 0.0, s, 0, nk);
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
                double bmax = rowMax(s, o, lim);
                double mOld = m[r];
                double mNew = Math.max(mOld, bmax);
                if (mNew == NEG_INF) {
                    continue; // nothing visible yet: the row of s is all -inf and exponentiates to zeros
                }
                if (mNew != mOld) {
                    double alpha = mOld == NEG_INF ? 0.0 : Math.exp(mOld - mNew);
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
            Blas.dgemm(false, false, mq, dv, nk, 1.0, s, 0, nk, v, (bh * g.tk + j0) * dv, dv, 1.0, acc, r0 * dv, dv);
        }
        for (int r = 0; r < nq; r++) {
            int row = bh * g.tq + i0 + r;
            int oo = row * dv;
            if (l[r] == 0.0) {
                Arrays.fill(out, oo, oo + dv, 0.0);
                lse[row] = NEG_INF;
                continue;
            }
            double inv = 1.0 / l[r];
            int ao = r * dv;
            for (int c = 0; c < dv; c++) {
                out[oo + c] = acc[ao + c] * inv;
            }
            lse[row] = m[r] + Math.log(l[r]);
        }
    }

    /**
     * Backward over query rows {@code [q0, q0 + rows)}: accumulates into {@code dq} (of the pre-scaled
     * queries), {@code dk}, {@code dv} and, when not null, {@code dBias [H, rows, biasKeys]} summed over
     * the batch.
     *
     * @param delta per row {@code Σ dO ∘ O}
     */
    static void backward(FlashGeometry g, double[] q, double[] k, double[] v, double[] bias, int q0, int rows, int biasKeys,
                         double[] lse, double[] dO, double[] delta, double[] dq, double[] dk, double[] dv, double[] dBias) {
        // with a bias gradient a task owns whole heads and sums their batch in order, so tasks never share
        // an output and the sums do not depend on the thread count
        int units = dBias == null ? g.b * g.h : g.h;
        int tasks = Math.min(units, Blas.threads());
        Blas.parallelFor(tasks, t -> {
            double[] s = new double[g.bq * g.bk];
            double[] dp = new double[g.bq * g.bk];
            double[] kt = new double[g.d * g.tk];
            double[] vt = new double[g.dv * g.tk];
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
    private static void backwardTile(FlashGeometry g, double[] q, double[] k, double[] kt, double[] vt, int keys,
                                     double[] bias, int q0, int rows,
                                     int biasKeys, double[] lse, double[] dO, double[] delta, double[] dq, double[] dk,
                                     double[] dv, double[] dBias, int bh, int i0, int nq, double[] s, double[] dp) {
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
            Blas.dgemm(false, false, mq, nk, d, 1.0, q, qr, d, kt, j0 * d, ktw, 0.0, s, 0, nk);
            for (int r = r0; r < nq; r++) {
                int o = (r - r0) * nk;
                double lr = lse[row0 + r];
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
            Blas.dgemm(true, false, nk, w, mq, 1.0, s, 0, nk, dO, oRow, w, 1.0, dv, vOff, w);
            Blas.dgemm(false, false, mq, nk, w, 1.0, dO, oRow, w, vt, j0 * w, ktw, 0.0, dp, 0, nk);
            for (int r = r0; r < nq; r++) {
                int o = (r - r0) * nk;
                double dr = delta[row0 + r];
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
            Blas.dgemm(false, false, mq, d, nk, 1.0, dp, 0, nk, k, kOff, d, 1.0, dq, qr, d);
            Blas.dgemm(true, false, nk, d, mq, 1.0, dp, 0, nk, q, qr, d, 1.0, dk, kOff, d);
        }
    }

    /**
     * The largest of {@code n} values from {@code x[o]} ({@code -inf} for none), over four
     * independent running maxima so consecutive comparisons do not wait on each other.
     */
    private static double rowMax(double[] x, int o, int n) {
        double m0 = NEG_INF;
        double m1 = NEG_INF;
        double m2 = NEG_INF;
        double m3 = NEG_INF;
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
    private static double rowSum(double[] x, int o, int n) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
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
    private static void transpose(double[] src, int off, int n, int w, int tile, double[] dst) {
        for (int j0 = 0; j0 < n; j0 += tile) {
            int nk = Math.min(tile, n - j0);
            int base = j0 * w;
            int p = 0;
            // four columns per pass: four independent loads and stores per row (measured 35% faster)
            for (; p + 3 < w; p += 4) {
                int o = base + p * nk;
                for (int j = 0, i = off + j0 * w + p; j < nk; j++, i += w) {
                    double a0 = src[i];
                    double a1 = src[i + 1];
                    double a2 = src[i + 2];
                    double a3 = src[i + 3];
                    dst[o + j] = a0;
                    dst[o + nk + j] = a1;
                    dst[o + 2 * nk + j] = a2;
                    dst[o + 3 * nk + j] = a3;
                }
            }
            for (; p < w; p++) {
                int o = base + p * nk;
                for (int j = 0, i = off + j0 * w + p; j < nk; j++, i += w) {
                    dst[o + j] = src[i];
                }
            }
        }
    }
}
