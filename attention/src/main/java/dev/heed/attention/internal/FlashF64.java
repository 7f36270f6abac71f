package dev.heed.attention.internal;

import dev.heed.core.Blas;
import java.util.Arrays;

/**
 * Float64 tiles of the blocked online-softmax attention (FlashAttention-2 order): per query tile,
 * the key tiles are visited with a running row maximum and sum, so no more than one
 * {@code bq × bk} tile of scores exists per thread; the backward pass recomputes each tile's
 * weights from the saved log-sum-exp. Key tiles entirely beyond a row block's mask are never
 * visited. {@link FlashF32} is the float32 twin of this class, line for line: change both together.
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
            for (int bh = t; bh < g.b * g.h; bh += tasks) {
                for (int i0 = q0; i0 < q0 + rows; i0 += g.bq) {
                    forwardTile(g, q, k, v, bias, q0, rows, biasKeys, out, lse, bh, i0, Math.min(g.bq, q0 + rows - i0),
                            s, m, l, acc);
                }
            }
        });
    }

    private static void forwardTile(FlashGeometry g, double[] q, double[] k, double[] v, double[] bias, int q0, int rows,
                                    int biasKeys, double[] out, double[] lse, int bh, int i0, int nq,
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
            Blas.dgemm(false, true, nq, nk, d, 1.0, q, qOff, d, k, (bh * g.tk + j0) * d, d, 0.0, s, 0, nk);
            for (int r = 0; r < nq; r++) {
                int o = r * nk;
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
                double bmax = NEG_INF;
                for (int c = 0; c < lim; c++) {
                    bmax = Math.max(bmax, s[o + c]);
                }
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
            Blas.exp(s, 0, nq * nk);
            for (int r = 0; r < nq; r++) {
                int o = r * nk;
                double sum = 0.0;
                for (int c = 0; c < nk; c++) {
                    sum += s[o + c];
                }
                l[r] += sum;
            }
            Blas.dgemm(false, false, nq, dv, nk, 1.0, s, 0, nk, v, (bh * g.tk + j0) * dv, dv, 1.0, acc, 0, dv);
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
            for (int u = t; u < units; u += tasks) {
                for (int x = 0; x < (dBias == null ? 1 : g.b); x++) {
                    int bh = dBias == null ? u : x * g.h + u;
                    for (int i0 = q0; i0 < q0 + rows; i0 += g.bq) {
                        backwardTile(g, q, k, v, bias, q0, rows, biasKeys, lse, dO, delta, dq, dk, dv, dBias, bh, i0,
                                Math.min(g.bq, q0 + rows - i0), s, dp);
                    }
                }
            }
        });
    }

    private static void backwardTile(FlashGeometry g, double[] q, double[] k, double[] v, double[] bias, int q0, int rows,
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
            Blas.dgemm(false, true, nq, nk, d, 1.0, q, qOff, d, k, (bh * g.tk + j0) * d, d, 0.0, s, 0, nk);
            for (int r = 0; r < nq; r++) {
                int o = r * nk;
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
            Blas.exp(s, 0, nq * nk);
            int kOff = (bh * g.tk + j0) * d;
            int vOff = (bh * g.tk + j0) * w;
            Blas.dgemm(true, false, nk, w, nq, 1.0, s, 0, nk, dO, oOff, w, 1.0, dv, vOff, w);
            Blas.dgemm(false, true, nq, nk, w, 1.0, dO, oOff, w, v, vOff, w, 0.0, dp, 0, nk);
            for (int r = 0; r < nq; r++) {
                int o = r * nk;
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
            Blas.dgemm(false, false, nq, d, nk, 1.0, dp, 0, nk, k, kOff, d, 1.0, dq, qOff, d);
            Blas.dgemm(true, false, nk, d, nq, 1.0, dp, 0, nk, q, qOff, d, 1.0, dk, kOff, d);
        }
    }
}
