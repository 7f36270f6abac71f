package dev.heed.attention.internal;

import java.util.stream.IntStream;
import org.apiguardian.api.API;

/**
 * Blocked attention with an online softmax (the FlashAttention scheme of Dao et al. 2022, in its
 * second version's loop order), forward and backward, on contiguous float32 arrays. It never
 * holds more than one {@code BQ × BK} score block per worker, so memory is linear in the sequence
 * length: besides inputs and outputs it keeps one log-sum-exp per query row.
 *
 * <p>Layout: {@code q [BH, Tq, d]}, {@code k [BH, Tk, d]}, {@code v [BH, Tk, dv]},
 * {@code o [BH, Tq, dv]}, {@code lse [BH, Tq]}, all row-major. Scores are
 * {@code scale · q·k}; with {@code causal} query {@code i} may see keys
 * {@code j ≤ Tk − Tq + i}; with {@code keyLengths} (one per BH slice, or null) keys
 * {@code j ≥ keyLengths[bh]} are masked. A row with no allowed key gets output 0, log-sum-exp
 * {@code -inf} and zero gradients. Work is split over the BH slices on the common pool.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FlashAttention {

    private static final int BQ = 32;
    private static final int BK = 64;

    private final int bh;
    private final int tq;
    private final int tk;
    private final int d;
    private final int dv;
    private final float scale;
    private final boolean causal;
    private final int[] keyLengths;
    private final int heads;
    private final BiasSource bias;

    /** Supplies an additive score bias for one block of query rows against all keys. */
    @FunctionalInterface
    @API(status = API.Status.INTERNAL, since = "0.1")
    public interface BiasSource {
        /**
         * @param q0 first query row of the block (relative to the call)
         * @param rows rows in the block
         * @return {@code [heads, rows, Tk]} row-major
         */
        float[] block(int q0, int rows);
    }

    /**
     * @param bh batch × heads
     * @param tq queries per slice
     * @param tk keys per slice
     * @param d query/key size
     * @param dv value size
     * @param scale score factor
     * @param causal causal mask (bottom-right aligned)
     * @param keyLengths real keys per slice, or null
     * @param heads heads per batch element (slice s is head s % heads); used with {@code bias}
     * @param bias additive score bias per block, or null
     */
    public FlashAttention(int bh, int tq, int tk, int d, int dv, double scale, boolean causal, int[] keyLengths,
                          int heads, BiasSource bias) {
        if (causal && tq > tk) {
            throw new IllegalArgumentException("FlashAttention: causal attention needs Tq <= Tk, got " + tq + " > " + tk);
        }
        if (keyLengths != null && keyLengths.length != bh) {
            throw new IllegalArgumentException("FlashAttention: " + keyLengths.length + " key lengths for " + bh + " slices");
        }
        this.bh = bh;
        this.tq = tq;
        this.tk = tk;
        this.d = d;
        this.dv = dv;
        this.scale = (float) scale;
        this.causal = causal;
        this.keyLengths = keyLengths == null ? null : keyLengths.clone();
        this.heads = heads;
        this.bias = bias;
        if (heads <= 0 || bh % heads != 0) {
            throw new IllegalArgumentException("FlashAttention: " + bh + " slices are not a multiple of " + heads + " heads");
        }
    }

    private int keyEnd(int slice, int row) {
        int end = causal ? tk - tq + row + 1 : tk;
        if (keyLengths != null) {
            end = Math.min(end, keyLengths[slice]);
        }
        return Math.max(0, end);
    }

    private static boolean parallel(int slices, long work) {
        return slices > 1 && work > 2_000_000L;
    }

    /**
     * @param q queries
     * @param k keys
     * @param v values
     * @param o output, filled
     * @param lse log-sum-exp per row, filled
     */
    public void forward(float[] q, float[] k, float[] v, float[] o, float[] lse) {
        boolean par = parallel(bh, (long) tq * tk * (d + dv));
        float[][] kt = new float[bh][];
        run(par, s -> kt[s] = transpose(k, s * tk * d, tk, d));
        for (int q0 = 0; q0 < tq; q0 += BQ) {
            int rows = Math.min(BQ, tq - q0);
            float[] bb = bias == null ? null : bias.block(q0, rows);
            int start = q0;
            run(par, s -> forwardBlock(s, start, rows, q, kt[s], v, o, lse, bb));
        }
    }

    private void run(boolean par, java.util.function.IntConsumer body) {
        IntStream slices = IntStream.range(0, bh);
        if (par) {
            slices = slices.parallel();
        }
        slices.forEach(body);
    }

    private void forwardBlock(int s, int q0, int rows, float[] q, float[] kt, float[] v, float[] o, float[] lse,
                              float[] bb) {
        float[] sc = new float[BQ * BK];
        float[] m = new float[BQ];
        float[] l = new float[BQ];
        float[] acc = new float[rows * dv];
        int qBase = s * tq * d;
        int vBase = s * tk * dv;
        int bBase = (s % heads) * rows * tk;
        java.util.Arrays.fill(m, Float.NEGATIVE_INFINITY);
        int blockEnd = keyEnd(s, q0 + rows - 1);
        for (int k0 = 0; k0 < blockEnd; k0 += BK) {
            int cols = Math.min(BK, blockEnd - k0);
            scores(q, qBase, q0, rows, kt, k0, cols, sc, bb, bBase);
            for (int r = 0; r < rows; r++) {
                int end = keyEnd(s, q0 + r) - k0;
                int so = r * BK;
                float mx = m[r];
                for (int c = 0; c < cols; c++) {
                    if (c >= end) {
                        sc[so + c] = Float.NEGATIVE_INFINITY;
                    } else if (sc[so + c] > mx) {
                        mx = sc[so + c];
                    }
                }
                if (mx == Float.NEGATIVE_INFINITY) {
                    continue;
                }
                float corr = m[r] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(m[r] - mx);
                m[r] = mx;
                float sum = 0f;
                for (int c = 0; c < cols; c++) {
                    float p = c >= end ? 0f : (float) Math.exp(sc[so + c] - mx);
                    sc[so + c] = p;
                    sum += p;
                }
                l[r] = l[r] * corr + sum;
                int ao = r * dv;
                if (corr != 1f) {
                    for (int x = 0; x < dv; x++) {
                        acc[ao + x] *= corr;
                    }
                }
                for (int c = 0; c < cols; c++) {
                    float p = sc[so + c];
                    if (p != 0f) {
                        int vo = vBase + (k0 + c) * dv;
                        for (int x = 0; x < dv; x++) {
                            acc[ao + x] += p * v[vo + x];
                        }
                    }
                }
            }
        }
        for (int r = 0; r < rows; r++) {
            int oo = (s * tq + q0 + r) * dv;
            if (l[r] == 0f) {
                for (int x = 0; x < dv; x++) {
                    o[oo + x] = 0f;
                }
                lse[s * tq + q0 + r] = Float.NEGATIVE_INFINITY;
            } else {
                float inv = 1f / l[r];
                for (int x = 0; x < dv; x++) {
                    o[oo + x] = acc[r * dv + x] * inv;
                }
                lse[s * tq + q0 + r] = m[r] + (float) Math.log(l[r]);
            }
        }
    }

    /** sc[r, c] = scale · q[q0 + r] · k[k0 + c] (+ bias) for r < rows, c < cols (kt is k transposed [d, tk]). */
    private void scores(float[] q, int qBase, int q0, int rows, float[] kt, int k0, int cols, float[] sc,
                        float[] bb, int bBase) {
        for (int r = 0; r < rows; r++) {
            int so = r * BK;
            if (bb == null) {
                for (int c = 0; c < cols; c++) {
                    sc[so + c] = 0f;
                }
            } else {
                System.arraycopy(bb, bBase + r * tk + k0, sc, so, cols);
            }
            int qo = qBase + (q0 + r) * d;
            for (int x = 0; x < d; x++) {
                float qx = q[qo + x] * scale;
                int ko = x * tk + k0;
                for (int c = 0; c < cols; c++) {
                    sc[so + c] += qx * kt[ko + c];
                }
            }
        }
    }

    private static float[] transpose(float[] a, int off, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            int ro = off + r * cols;
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[ro + c];
            }
        }
        return t;
    }

    /**
     * Gradients of {@code sum(o ⊙ dO)} with respect to q, k and v.
     *
     * @param q queries
     * @param k keys
     * @param v values
     * @param o the forward output
     * @param lse the forward log-sum-exp
     * @param dO gradient of the output
     * @param dq filled with the query gradient
     * @param dk filled with the key gradient
     * @param dvOut filled with the value gradient
     */
    public void backward(float[] q, float[] k, float[] v, float[] o, float[] lse, float[] dO,
                         float[] dq, float[] dk, float[] dvOut) {
        boolean par = parallel(bh, (long) tq * tk * (d + dv));
        float[][] kt = new float[bh][];
        float[][] vt = new float[bh][];
        run(par, s -> {
            kt[s] = transpose(k, s * tk * d, tk, d);
            vt[s] = transpose(v, s * tk * dv, tk, dv);
            java.util.Arrays.fill(dq, s * tq * d, (s + 1) * tq * d, 0f);
            java.util.Arrays.fill(dk, s * tk * d, (s + 1) * tk * d, 0f);
            java.util.Arrays.fill(dvOut, s * tk * dv, (s + 1) * tk * dv, 0f);
        });
        for (int q0 = 0; q0 < tq; q0 += BQ) {
            int rows = Math.min(BQ, tq - q0);
            float[] bb = bias == null ? null : bias.block(q0, rows);
            int start = q0;
            run(par, s -> backwardBlock(s, start, rows, q, k, kt[s], vt[s], o, lse, dO, dq, dk, dvOut, bb));
        }
    }

    private void backwardBlock(int s, int q0, int rows, float[] q, float[] k, float[] kt, float[] vt, float[] o,
                               float[] lse, float[] dO, float[] dq, float[] dk, float[] dvOut, float[] bb) {
        float[] p = new float[BQ * BK];
        float[] dp = new float[BQ * BK];
        float[] delta = new float[BQ];
        int qBase = s * tq * d;
        int kBase = s * tk * d;
        int vBase = s * tk * dv;
        for (int r = 0; r < rows; r++) {
            int oo = (s * tq + q0 + r) * dv;
            float sum = 0f;
            for (int x = 0; x < dv; x++) {
                sum += dO[oo + x] * o[oo + x];
            }
            delta[r] = sum;
        }
        int blockEnd = keyEnd(s, q0 + rows - 1);
        for (int k0 = 0; k0 < blockEnd; k0 += BK) {
            int cols = Math.min(BK, blockEnd - k0);
            scores(q, qBase, q0, rows, kt, k0, cols, p, bb, (s % heads) * rows * tk);
            for (int r = 0; r < rows; r++) {
                int end = keyEnd(s, q0 + r) - k0;
                float lr = lse[s * tq + q0 + r];
                int so = r * BK;
                for (int c = 0; c < cols; c++) {
                    p[so + c] = (c >= end || lr == Float.NEGATIVE_INFINITY) ? 0f : (float) Math.exp(p[so + c] - lr);
                    dp[so + c] = 0f;
                }
                // dV[j] += P[r, j] dO[r]; dP[r, j] = dO[r] · V[j]
                int oo = (s * tq + q0 + r) * dv;
                for (int c = 0; c < cols; c++) {
                    float pc = p[so + c];
                    if (pc != 0f) {
                        int vo = vBase + (k0 + c) * dv;
                        for (int x = 0; x < dv; x++) {
                            dvOut[vo + x] += pc * dO[oo + x];
                        }
                    }
                }
                for (int x = 0; x < dv; x++) {
                    float g = dO[oo + x];
                    int vto = x * tk + k0;
                    for (int c = 0; c < cols; c++) {
                        dp[so + c] += g * vt[vto + c];
                    }
                }
                // dS = P (dP - delta), already times scale for dQ/dK
                for (int c = 0; c < cols; c++) {
                    dp[so + c] = p[so + c] * (dp[so + c] - delta[r]) * scale;
                }
                int qo = qBase + (q0 + r) * d;
                for (int c = 0; c < cols; c++) {
                    float ds = dp[so + c];
                    if (ds != 0f) {
                        int ko = kBase + (k0 + c) * d;
                        for (int x = 0; x < d; x++) {
                            dq[qo + x] += ds * k[ko + x];
                            dk[ko + x] += ds * q[qo + x];
                        }
                    }
                }
            }
        }
    }
}
