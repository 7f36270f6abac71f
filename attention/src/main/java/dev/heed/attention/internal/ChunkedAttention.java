package dev.heed.attention.internal;

import dev.heed.core.CustomOp;
import dev.heed.core.NoGrad;
import dev.heed.core.Tensor;
import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * Memory-efficient exact attention for scores {@code scale · q·kᵀ}: queries are processed in
 * chunks of rows, so only a {@code [B, H, rows, keys]} block of scores exists at a time (rows are
 * chosen to keep it near {@link #DEFAULT_BLOCK_ELEMENTS}); the backward pass recomputes each
 * block's weights instead of storing them (as FlashAttention does), so memory stays linear in the
 * sequence length. With a causal mask each chunk reads only the keys it may see. Products go to
 * the tuned matrix kernels; softmax is core's fused {@link Tensor#scaledMaskedSoftmax} (a fully
 * masked row gives zeros).
 *
 * <p>Shapes: {@code q [B, H, Tq, d]}, {@code k [B, H, Tk, d]}, {@code v [B, H, Tk, dv]}, FLOAT32.
 * Causal alignment: query {@code i} sees keys {@code j ≤ Tk − Tq + i}. Key lengths are per batch
 * element. A bias source adds a (non-differentiated) {@code [H, rows, keys]} term per chunk.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ChunkedAttention {

    /** Target elements of one score block (4 Mi floats, 16 MiB). */
    public static final long DEFAULT_BLOCK_ELEMENTS = 1L << 22;

    /** Supplies the additive score bias for query rows {@code [q0, q0 + rows)} against keys {@code [0, keys)}. */
    @FunctionalInterface
    @API(status = API.Status.INTERNAL, since = "0.1")
    public interface BiasSource {
        /**
         * @param q0 first query row (relative to this call)
         * @param rows number of rows
         * @param keys number of keys
         * @return {@code [H, rows, keys]}
         */
        Tensor block(int q0, int rows, int keys);
    }

    private final double scale;
    private final boolean causal;
    private final int[] keyLengths;
    private final BiasSource bias;
    private final long blockElements;

    /**
     * @param scale score factor
     * @param causal causal mask
     * @param keyLengths real keys per batch element, or null
     * @param bias score bias per chunk, or null
     * @param blockElements target size of one score block
     */
    public ChunkedAttention(double scale, boolean causal, int[] keyLengths, BiasSource bias, long blockElements) {
        this.scale = scale;
        this.causal = causal;
        this.keyLengths = keyLengths == null ? null : keyLengths.clone();
        this.bias = bias;
        this.blockElements = blockElements;
    }

    /**
     * Computes attention and records it for autograd (when an input requires grad) with a
     * recomputing backward.
     *
     * @param q queries
     * @param k keys
     * @param v values
     * @return {@code [B, H, Tq, dv]}
     */
    public Tensor apply(Tensor q, Tensor k, Tensor v) {
        int b = q.size(0);
        int tq = q.size(2);
        int tk = k.size(2);
        if (causal && tq > tk) {
            throw new IllegalArgumentException("AttentionMask: a causal mask needs Tq <= Tk, got Tq=" + tq + ", Tk=" + tk);
        }
        if (keyLengths != null && keyLengths.length != b) {
            throw new IllegalArgumentException("attend: key lengths are given for " + keyLengths.length
                    + " sequences but the batch has " + b);
        }
        Tensor qs;
        Tensor kd;
        Tensor vd;
        Tensor out;
        try (NoGrad ignored = NoGrad.enter()) {
            qs = q.detach().mul(scale).contiguous();
            kd = k.detach().contiguous();
            vd = v.detach().contiguous();
            out = forward(qs, kd, vd);
        }
        return CustomOp.record("chunkedAttention", out, g -> {
            try (NoGrad ignored = NoGrad.enter()) {
                return backward(qs, kd, vd, out, g.contiguous());
            }
        }, q, k, v);
    }

    private int rowsPerChunk(int bh, int tq, int tk) {
        long perRow = (long) bh * Math.max(1, tk);
        return (int) Math.max(1, Math.min(tq, blockElements / perRow));
    }

    private int keyEnd(int tq, int tk, int q0, int rows) {
        int end = causal ? tk - tq + q0 + rows : tk;
        if (keyLengths != null) {
            int max = 0;
            for (int l : keyLengths) {
                max = Math.max(max, l);
            }
            end = Math.min(end, max);
        }
        return Math.max(0, Math.min(end, tk));
    }

    /**
     * Weights of one chunk, {@code [B, H, rows, end]}: a causal mask alone is applied inside core's
     * fused softmax; key lengths go through an additive mask (which then also holds the causal part).
     */
    private Tensor weights(Tensor qc, Tensor kc, int tq, int tk, int q0, int rows, int end) {
        Tensor s = scores(qc, kc, tq, tk, q0, rows, end);
        return Tensor.scaledMaskedSoftmax(s, 1.0, causal && keyLengths == null, tk - tq + q0);
    }

    /** Scores of one chunk with the key-length mask and bias added: {@code [B, H, rows, end]}. */
    private Tensor scores(Tensor qc, Tensor kc, int tq, int tk, int q0, int rows, int end) {
        Tensor s = qc.matmul(kc.mT());
        int b = qc.size(0);
        if (keyLengths != null) {
            int bb = keyLengths == null ? 1 : b;
            float[] m = new float[bb * rows * end];
            boolean any = false;
            for (int x = 0; x < bb; x++) {
                int len = keyLengths == null ? end : Math.min(end, keyLengths[x]);
                for (int i = 0; i < rows; i++) {
                    int last = causal ? Math.min(len, tk - tq + q0 + i + 1) : len;
                    int o = (x * rows + i) * end;
                    if (last < end) {
                        Arrays.fill(m, o + Math.max(0, last), o + end, Float.NEGATIVE_INFINITY);
                        any = true;
                    }
                }
            }
            if (any) {
                s = s.add(Tensor.of(m, bb, 1, rows, end));
            }
        }
        if (bias != null) {
            s = s.add(bias.block(q0, rows, end));
        }
        return s;
    }

    private Tensor forward(Tensor qs, Tensor k, Tensor v) {
        int b = qs.size(0);
        int h = qs.size(1);
        int tq = qs.size(2);
        int tk = k.size(2);
        int dv = v.size(3);
        int rows = rowsPerChunk(b * h, tq, tk);
        int chunks = (tq + rows - 1) / rows;
        Tensor[] parts = new Tensor[chunks];
        for (int c = 0; c < chunks; c++) {
            int q0 = c * rows;
            int r = Math.min(rows, tq - q0);
            int end = keyEnd(tq, tk, q0, r);
            if (end == 0) {
                parts[c] = Tensor.zeros(b, h, r, dv);
                continue;
            }
            Tensor p = weights(qs.narrow(2, q0, r), k.narrow(2, 0, end), tq, tk, q0, r, end);
            parts[c] = p.matmul(v.narrow(2, 0, end));
        }
        return chunks == 1 ? parts[0].contiguous() : Tensor.concat(2, parts);
    }

    private Tensor[] backward(Tensor qs, Tensor k, Tensor v, Tensor out, Tensor dO) {
        int b = qs.size(0);
        int h = qs.size(1);
        int tq = qs.size(2);
        int tk = k.size(2);
        int d = qs.size(3);
        int dv = v.size(3);
        int bh = b * h;
        int rows = rowsPerChunk(bh, tq, tk);
        int chunks = (tq + rows - 1) / rows;
        Tensor[] dq = new Tensor[chunks];
        float[] dk = new float[bh * tk * d];
        float[] dvAcc = new float[bh * tk * dv];
        for (int c = 0; c < chunks; c++) {
            int q0 = c * rows;
            int r = Math.min(rows, tq - q0);
            int end = keyEnd(tq, tk, q0, r);
            if (end == 0) {
                dq[c] = Tensor.zeros(b, h, r, d);
                continue;
            }
            Tensor qc = qs.narrow(2, q0, r);
            Tensor kc = k.narrow(2, 0, end);
            Tensor vc = v.narrow(2, 0, end);
            Tensor p = weights(qc, kc, tq, tk, q0, r, end);
            Tensor doc = dO.narrow(2, q0, r);
            accumulate(dvAcc, p.mT().matmul(doc), bh, tk, end, dv);
            Tensor ds = Tensor.scaledMaskedSoftmaxBackward(p, doc.matmul(vc.mT()), 1.0);
            dq[c] = ds.matmul(kc).mul(scale);
            accumulate(dk, ds.mT().matmul(qc), bh, tk, end, d);
        }
        Tensor dqAll = chunks == 1 ? dq[0].contiguous() : Tensor.concat(2, dq);
        return new Tensor[] {dqAll, Tensor.of(dk, b, h, tk, d), Tensor.of(dvAcc, b, h, tk, dv)};
    }

    /** acc[bh, 0:end, :] += part[bh, :, :] for acc [BH, tk, w] and part [BH, end, w]. */
    private static void accumulate(float[] acc, Tensor part, int bh, int tk, int end, int w) {
        float[] p = part.contiguous().toFloatArray();
        for (int s = 0; s < bh; s++) {
            int ao = s * tk * w;
            int po = s * end * w;
            int n = end * w;
            for (int i = 0; i < n; i++) {
                acc[ao + i] += p[po + i];
            }
        }
    }
}
