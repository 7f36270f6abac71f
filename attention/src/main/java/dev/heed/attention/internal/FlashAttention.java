package dev.heed.attention.internal;

import dev.heed.core.Autograd;
import dev.heed.core.CustomOp;
import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Exact attention for scores {@code scale · q·kᵀ (+ bias)} by blocked online softmax
 * (FlashAttention-2, Dao 2023): for each tile of query rows the key tiles are visited in order
 * keeping a running row maximum {@code m} and sum {@code l}, so only one {@code bq × bk} tile of
 * scores exists per thread and the {@code Tq × Tk} matrix is never stored. The forward pass saves
 * the output and the log-sum-exp {@code L = m + log l} of every row; the backward pass recomputes
 * each tile's weights {@code P = exp(S − L)} and accumulates {@code dV += Pᵀ dO},
 * {@code dP = dO Vᵀ}, {@code dS = P ∘ (dP − rowsum(dO ∘ O))}, {@code dQ += scale · dS K},
 * {@code dK += scale · dSᵀ Q}. Products go to core's GEMM kernels through
 * {@link dev.heed.core.Blas}.
 *
 * <p>Masks: causal (query {@code i} sees keys {@code j ≤ Tk − Tq + i}; key tiles entirely above
 * the diagonal are skipped) and key lengths per sequence (tiles past the length are skipped). A
 * row that sees no key gets a zero output and zero gradients. An optional {@link BiasSource}
 * adds a {@code [H, rows, keys]} score bias, evaluated per chunk of query rows small enough that
 * the chunk's bias stays under {@link #BIAS_CHUNK_ELEMENTS}; the gradient of the bias is summed
 * over the batch per chunk and sent through the source's own autograd graph to its parameters,
 * chunk by chunk.
 *
 * <p>Shapes: {@code q [B, H, Tq, d]}, {@code k [B, H, Tk, d]}, {@code v [B, H, Tk, dv]}, FLOAT32 or
 * FLOAT64. Gradients are first order only (the backward is written over arrays). Work is split over
 * sequences and heads on core's kernel threads; results do not depend on the thread count.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FlashAttention {

    /** Query rows per tile. */
    public static final int DEFAULT_QUERY_TILE = 64;
    /** Keys per tile. */
    public static final int DEFAULT_KEY_TILE = 128;
    /**
     * Keys per tile of a short causal sequence (at most {@link #DEFAULT_QUERY_TILE} keys) under the
     * default tiling: a query row takes part in a key tile's products only from the first row that
     * sees one of its keys, so narrower key tiles skip more of the masked triangle (for T = 64 a
     * quarter of the work; measured about 13% faster forward, 20% backward, than one 64-key tile).
     */
    public static final int SHORT_CAUSAL_KEY_TILE = 32;
    /** Most elements of one chunk's {@code [H, rows, keys]} bias (4 Mi, 16 MiB in float32). */
    public static final long BIAS_CHUNK_ELEMENTS = 1L << 22;

    /**
     * Longest query and key length of the float32 short path: with default tiles and no bias, such
     * a call computes each head's whole score block at once and keeps its weights for the backward
     * pass ({@code 4 B H Tq Tk} bytes, at most 64 KiB per head), instead of tiling with an online
     * softmax; memory stays linear in the batch and bounded per head.
     */
    public static final int SHORT_ROWS = 128;

    /**
     * Most weights the short path keeps for one call ({@code B H Tq Tk} float32 values, 128 MiB);
     * a larger batch takes the tiles, which keep none.
     */
    public static final long SHORT_KEPT_ELEMENTS = 1L << 25;

    /** Supplies the additive score bias of query rows {@code [q0, q0 + rows)} against keys {@code [0, keys)}. */
    @API(status = API.Status.INTERNAL, since = "0.1")
    public interface BiasSource {
        /**
         * @param q0 first query row (relative to this call)
         * @param rows number of rows, positive
         * @param keys number of keys, positive
         * @return {@code [H, rows, keys]} of the inputs' dtype; differentiable in {@link #parameters()}
         *     when grad mode is on
         */
        Tensor block(int q0, int rows, int keys);

        /** @return the tensors the bias depends on (their gradients are produced when they require grad) */
        List<Tensor> parameters();
    }

    private final double scale;
    private final boolean causal;
    private final int[] keyLengths;
    private final BiasSource bias;
    private final int queryTile;
    private final int keyTile;
    private final long biasChunkElements;
    private final boolean defaultTiles;

    /**
     * @param scale score factor
     * @param causal causal mask
     * @param keyLengths real keys per batch element, or null
     * @param bias score bias, or null
     */
    public FlashAttention(double scale, boolean causal, int[] keyLengths, BiasSource bias) {
        this(scale, causal, keyLengths, bias, DEFAULT_QUERY_TILE, DEFAULT_KEY_TILE, BIAS_CHUNK_ELEMENTS, true);
    }

    /**
     * @param scale score factor
     * @param causal causal mask
     * @param keyLengths real keys per batch element, or null
     * @param bias score bias, or null
     * @param queryTile query rows per tile, positive
     * @param keyTile keys per tile, positive
     * @param biasChunkElements most elements of one chunk's bias
     * @throws IllegalArgumentException on a non-positive tile size
     */
    public FlashAttention(double scale, boolean causal, int[] keyLengths, BiasSource bias, int queryTile, int keyTile,
                          long biasChunkElements) {
        this(scale, causal, keyLengths, bias, queryTile, keyTile, biasChunkElements, false);
    }

    private FlashAttention(double scale, boolean causal, int[] keyLengths, BiasSource bias, int queryTile, int keyTile,
                           long biasChunkElements, boolean defaultTiles) {
        if (queryTile < 1 || keyTile < 1 || biasChunkElements < 1) {
            throw new IllegalArgumentException("FlashAttention: tiles " + queryTile + " x " + keyTile
                    + " and bias chunk " + biasChunkElements + " must be positive");
        }
        this.scale = scale;
        this.causal = causal;
        this.keyLengths = keyLengths == null ? null : keyLengths.clone();
        this.bias = bias;
        this.queryTile = queryTile;
        this.keyTile = keyTile;
        this.biasChunkElements = biasChunkElements;
        this.defaultTiles = defaultTiles;
    }

    /**
     * @return the keys per tile for {@code tk} keys: the configured tile, or under the default tiling
     *     {@link #SHORT_CAUSAL_KEY_TILE} for a short causal sequence
     */
    private int keyTile(int tk) {
        return defaultTiles && causal && tk <= queryTile ? SHORT_CAUSAL_KEY_TILE : keyTile;
    }

    /**
     * Computes attention and records it for autograd (when an input or a bias parameter requires
     * grad) with a recomputing backward.
     *
     * @param q queries
     * @param k keys
     * @param v values
     * @return {@code [B, H, Tq, dv]}
     * @throws IllegalArgumentException on a causal mask with {@code Tq > Tk}, key lengths that do not
     *     match the batch, or a dtype other than FLOAT32/FLOAT64
     */
    public Tensor apply(Tensor q, Tensor k, Tensor v) {
        int b = q.size(0);
        int h = q.size(1);
        int tq = q.size(2);
        int tk = k.size(2);
        if (causal && tq > tk) {
            throw new IllegalArgumentException("AttentionMask: a causal mask needs Tq <= Tk, got Tq=" + tq + ", Tk=" + tk);
        }
        if (keyLengths != null && keyLengths.length != b) {
            throw new IllegalArgumentException("attend: key lengths are given for " + keyLengths.length
                    + " sequences but the batch has " + b);
        }
        DType dt = q.dtype();
        if (dt != DType.FLOAT32 && dt != DType.FLOAT64) {
            throw new IllegalArgumentException("FlashAttention: dtype " + dt + " is not supported; use FLOAT32 or FLOAT64");
        }
        FlashGeometry g = new FlashGeometry(b, h, tq, tk, q.size(3), v.size(3), causal, keyLengths, queryTile, keyTile(tk));
        List<Tensor> params = trainableBiasParameters();
        int rowsPerChunk = rowsPerChunk(g);
        Tensor[] inputs = new Tensor[3 + params.size()];
        inputs[0] = q;
        inputs[1] = k;
        inputs[2] = v;
        for (int i = 0; i < params.size(); i++) {
            inputs[3 + i] = params.get(i);
        }
        if (dt == DType.FLOAT32) {
            F32 st = new F32(g, rowsPerChunk, scaled(q.toFloatArray()), CustomOp.floatValues(k),
                    CustomOp.floatValues(v));
            Tensor out = Tensor.of(st.forward(), b, h, tq, g.dv);
            return CustomOp.record("flashAttention", out, grad -> {
                Tensor[] pg = new Tensor[params.size()];
                float[][] r = st.backward(CustomOp.floatValues(grad), params, pg);
                return result(CustomOp.adopt(r[0], b, h, tq, g.d), CustomOp.adopt(r[1], b, h, tk, g.d),
                        CustomOp.adopt(r[2], b, h, tk, g.dv), params, pg);
            }, inputs);
        }
        F64 st = new F64(g, rowsPerChunk, q, k, v);
        Tensor out = st.forward();
        return CustomOp.record("flashAttention", out, grad -> st.backward(grad, params), inputs);
    }

    /**
     * Self-attention over packed projections, FLOAT32: {@code qkv [B, T, 3·H·d]} holds the queries,
     * keys and values side by side ({@code [B, T, 3, H, d]} as stored, the output of one linear
     * layer with weights {@code [Wq; Wk; Wv]}); the result has the heads merged, {@code [B, T, H·d]},
     * ready for the output projection. Equal to {@link #apply} on the split heads, without the
     * layout copies and with one gradient for {@code qkv}.
     *
     * @param qkv packed projections
     * @param heads number of heads H
     * @return {@code [B, T, H·d]}
     * @throws IllegalArgumentException if {@code qkv} is not FLOAT32 {@code [B, T, 3·H·d]}, or on a
     *     mask that does not fit
     */
    public Tensor applyPacked(Tensor qkv, int heads) {
        if (qkv.dim() != 3 || qkv.dtype() != DType.FLOAT32 || heads < 1 || qkv.size(2) % (3 * heads) != 0) {
            throw new IllegalArgumentException("FlashAttention.applyPacked: qkv " + Arrays.toString(qkv.shape()) + " "
                    + qkv.dtype() + " must be FLOAT32 [B, T, 3 * heads * headDim] with heads = " + heads);
        }
        int b = qkv.size(0);
        int t = qkv.size(1);
        int e = qkv.size(2) / 3;
        int d = e / heads;
        if (keyLengths != null && keyLengths.length != b) {
            throw new IllegalArgumentException("attend: key lengths are given for " + keyLengths.length
                    + " sequences but the batch has " + b);
        }
        FlashGeometry g = new FlashGeometry(b, heads, t, t, d, d, causal, keyLengths, queryTile, keyTile(t));
        List<Tensor> params = trainableBiasParameters();
        Tensor[] inputs = new Tensor[1 + params.size()];
        inputs[0] = qkv;
        for (int i = 0; i < params.size(); i++) {
            inputs[1 + i] = params.get(i);
        }
        float[] a = CustomOp.floatValues(qkv); // read only
        int n = b * heads * t * d;
        if (params.isEmpty() && isShort(g)) {
            return packedShort(qkv, a, g, e);
        }
        float[] q = new float[n];
        float[] k = new float[n];
        float[] v = new float[n];
        float s = (float) scale;
        for (int x = 0; x < b; x++) {
            for (int i = 0; i < t; i++) {
                int src = (x * t + i) * 3 * e;
                for (int hh = 0; hh < heads; hh++) {
                    int dst = ((x * heads + hh) * t + i) * d;
                    int o = src + hh * d;
                    for (int c = 0; c < d; c++) {
                        q[dst + c] = a[o + c] * s;
                    }
                    System.arraycopy(a, o + e, k, dst, d);
                    System.arraycopy(a, o + 2 * e, v, dst, d);
                }
            }
        }
        F32 st = new F32(g, rowsPerChunk(g), q, k, v);
        float[] o = st.forward();
        float[] merged = new float[n];
        mergeHeads(o, merged, b, heads, t, d, 0, e);
        Tensor out = CustomOp.adopt(merged, b, t, e);
        return CustomOp.record("flashAttention", out, grad -> {
            float[] gm = CustomOp.floatValues(grad); // read only
            float[] dO = new float[n];
            for (int x = 0; x < b; x++) {
                for (int i = 0; i < t; i++) {
                    for (int hh = 0; hh < heads; hh++) {
                        System.arraycopy(gm, (x * t + i) * e + hh * d, dO, ((x * heads + hh) * t + i) * d, d);
                    }
                }
            }
            Tensor[] pg = new Tensor[params.size()];
            float[][] r = st.backward(dO, params, pg);
            float[] dqkv = new float[3 * n];
            for (int part = 0; part < 3; part++) {
                mergeHeads(r[part], dqkv, b, heads, t, d, part * e, 3 * e);
            }
            Tensor[] res = new Tensor[1 + params.size()];
            res[0] = CustomOp.adopt(dqkv, b, t, 3 * e);
            Tensor[] rest = result(null, null, null, params, pg);
            System.arraycopy(rest, 3, res, 1, params.size());
            return res;
        }, inputs);
    }

    /**
     * {@link #applyPacked} on the short path: reads the heads in place from {@code qkv}'s values
     * {@code a} and writes the merged output, and in backward the packed gradient, without any
     * layout copy.
     */
    private Tensor packedShort(Tensor qkv, float[] a, FlashGeometry g, int e) {
        int t = g.tq;
        float s = (float) scale;
        FlashF32.HeadRows q = new FlashF32.HeadRows(0, t * 3 * e, g.d, 3 * e);
        FlashF32.HeadRows k = new FlashF32.HeadRows(e, t * 3 * e, g.d, 3 * e);
        FlashF32.HeadRows v = new FlashF32.HeadRows(2 * e, t * 3 * e, g.d, 3 * e);
        FlashF32.HeadRows o = new FlashF32.HeadRows(0, t * e, g.d, e);
        float[] p = new float[g.b * g.h * t * t];
        float[] merged = new float[g.b * t * e];
        FlashF32.forwardShort(g, s, a, q, a, k, a, v, merged, o, p);
        Tensor out = CustomOp.adopt(merged, g.b, t, e);
        return CustomOp.record("flashAttention", out, grad -> {
            float[] dqkv = new float[3 * g.b * t * e];
            FlashF32.backwardShort(g, s, a, q, a, k, a, v, p, CustomOp.floatValues(grad), o, dqkv, q, dqkv, k, dqkv,
                    v);
            return new Tensor[] {CustomOp.adopt(dqkv, g.b, t, 3 * e)};
        }, qkv);
    }

    /** Copies {@code [B, H, T, d]} into columns {@code [col, col + H d)} of rows of width {@code width}. */
    private static void mergeHeads(float[] src, float[] dst, int b, int heads, int t, int d, int col, int width) {
        for (int x = 0; x < b; x++) {
            for (int hh = 0; hh < heads; hh++) {
                for (int i = 0; i < t; i++) {
                    System.arraycopy(src, ((x * heads + hh) * t + i) * d, dst, (x * t + i) * width + col + hh * d, d);
                }
            }
        }
    }

    /** {@code Σ a[o + c] b[o + c]} over {@code c < n} as four interleaved partial sums (they pipeline). */
    private static float dot(float[] a, float[] b, int o, int n) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int c = 0;
        for (; c + 3 < n; c += 4) {
            s0 += a[o + c] * b[o + c];
            s1 += a[o + c + 1] * b[o + c + 1];
            s2 += a[o + c + 2] * b[o + c + 2];
            s3 += a[o + c + 3] * b[o + c + 3];
        }
        for (; c < n; c++) {
            s0 += a[o + c] * b[o + c];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** The float64 twin of {@link #dot(float[], float[], int, int)}. */
    private static double dot(double[] a, double[] b, int o, int n) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int c = 0;
        for (; c + 3 < n; c += 4) {
            s0 += a[o + c] * b[o + c];
            s1 += a[o + c + 1] * b[o + c + 1];
            s2 += a[o + c + 2] * b[o + c + 2];
            s3 += a[o + c + 3] * b[o + c + 3];
        }
        for (; c < n; c++) {
            s0 += a[o + c] * b[o + c];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private List<Tensor> trainableBiasParameters() {
        List<Tensor> params = new ArrayList<>();
        if (bias != null) {
            for (Tensor p : bias.parameters()) {
                if (p.requiresGrad()) {
                    params.add(p);
                }
            }
        }
        return params;
    }

    private float[] scaled(float[] q) {
        float s = (float) scale;
        for (int i = 0; i < q.length; i++) {
            q[i] *= s;
        }
        return q;
    }

    /**
     * Whether a float32 call takes the short path: no bias, at most {@link #SHORT_ROWS} queries
     * and keys (whole score rows fit one tile, and the per-tile bookkeeping of the online softmax
     * would cost more than the products) and at most {@link #SHORT_KEPT_ELEMENTS} weights to keep.
     */
    private boolean isShort(FlashGeometry g) {
        return bias == null && defaultTiles && shortPathFits(g.b, g.h, g.tq, g.tk);
    }

    /** @return whether the sizes allow the short path: both lengths and the kept weights within the limits */
    static boolean shortPathFits(int b, int h, int tq, int tk) {
        return tq <= SHORT_ROWS && tk <= SHORT_ROWS && (long) b * h * tq * tk <= SHORT_KEPT_ELEMENTS;
    }

    private int rowsPerChunk(FlashGeometry g) {
        if (bias == null) {
            return g.tq;
        }
        long perRow = (long) g.h * Math.max(1, g.tk);
        long rows = Math.max(1, biasChunkElements / perRow);
        if (rows >= queryTile) {
            rows = rows / queryTile * queryTile;
        }
        return (int) Math.min(g.tq, rows);
    }

    /** The bias of one chunk, or null when it sees no key; under the caller's grad mode. */
    private Tensor biasBlock(DType dt, int q0, int rows, int keys) {
        Tensor t = bias.block(q0, rows, keys);
        return t.dtype() == dt ? t : t.to(dt);
    }

    private Tensor[] paramGrads(Tensor biasT, Tensor dBias, List<Tensor> params, Tensor[] acc) {
        Tensor[] g = Autograd.grad(new Tensor[] {biasT}, params.toArray(new Tensor[0]), new Tensor[] {dBias}, false, false);
        for (int i = 0; i < g.length; i++) {
            acc[i] = acc[i] == null ? g[i] : acc[i].add(g[i]);
        }
        return acc;
    }

    private static Tensor[] result(Tensor dq, Tensor dk, Tensor dv, List<Tensor> params, Tensor[] paramGrads) {
        Tensor[] r = new Tensor[3 + params.size()];
        r[0] = dq;
        r[1] = dk;
        r[2] = dv;
        for (int i = 0; i < params.size(); i++) {
            r[3 + i] = paramGrads[i] == null ? Tensor.zerosLike(params.get(i)) : paramGrads[i].detach();
        }
        return r;
    }

    /** Float32 state saved between forward and backward: scaled q, k, v, output, log-sum-exp. */
    private final class F32 {
        final FlashGeometry g;
        final int chunk;
        final float[] q;
        final float[] k;
        final float[] v;
        final float[] out;
        final float[] lse;
        /** The weights of a short call ({@link FlashF32#forwardShort}), else null. */
        float[] p;

        /** Rows of {@code t × w} per sequence-head, as {@link #apply} stores them ({@code [B, H, T, w]}). */
        private FlashF32.HeadRows split(int t, int w) {
            return new FlashF32.HeadRows(0, g.h * t * w, t * w, w);
        }

        F32(FlashGeometry g, int chunk, float[] qScaled, float[] k, float[] v) {
            this.g = g;
            this.chunk = chunk;
            this.q = qScaled;
            this.k = k;
            this.v = v;
            this.out = new float[g.b * g.h * g.tq * g.dv];
            this.lse = new float[g.b * g.h * g.tq];
        }

        float[] forward() {
            if (isShort(g)) {
                p = new float[g.b * g.h * g.tq * g.tk];
                FlashF32.forwardShort(g, 1f, q, split(g.tq, g.d), k, split(g.tk, g.d), v, split(g.tk, g.dv), out,
                        split(g.tq, g.dv), p);
                return out;
            }
            Arrays.fill(lse, Float.NEGATIVE_INFINITY);
            for (int q0 = 0; q0 < g.tq; q0 += chunk) {
                int rows = Math.min(chunk, g.tq - q0);
                int keys = g.chunkKeys(q0, rows);
                if (keys == 0) {
                    continue;
                }
                float[] b = null;
                if (bias != null) {
                    try (NoGrad ignored = NoGrad.enter()) {
                        b = biasBlock(DType.FLOAT32, q0, rows, keys).toFloatArray();
                    }
                }
                FlashF32.forward(g, q, k, v, b, q0, rows, keys, out, lse);
            }
            return out;
        }

        /** @return {dq, dk, dv} in the {@code [B, H, T, ·]} layout; bias parameter gradients go to {@code pg} */
        float[][] backward(float[] dO, List<Tensor> params, Tensor[] pg) {
            if (p != null) {
                float[] dq = new float[q.length];
                float[] dk = new float[k.length];
                float[] dv = new float[v.length];
                FlashF32.backwardShort(g, 1f, q, split(g.tq, g.d), k, split(g.tk, g.d), v, split(g.tk, g.dv), p, dO,
                        split(g.tq, g.dv), dq, split(g.tq, g.d), dk, split(g.tk, g.d), dv, split(g.tk, g.dv));
                scaled(dq);
                return new float[][] {dq, dk, dv};
            }
            float[] delta = new float[lse.length];
            for (int row = 0; row < delta.length; row++) {
                delta[row] = dot(dO, out, row * g.dv, g.dv);
            }
            float[] dq = new float[q.length];
            float[] dk = new float[k.length];
            float[] dv = new float[v.length];
            for (int q0 = 0; q0 < g.tq; q0 += chunk) {
                int rows = Math.min(chunk, g.tq - q0);
                int keys = g.chunkKeys(q0, rows);
                if (keys == 0) {
                    continue;
                }
                float[] b = null;
                Tensor biasT = null;
                float[] dBias = null;
                if (bias != null) {
                    if (params.isEmpty()) {
                        try (NoGrad ignored = NoGrad.enter()) {
                            b = biasBlock(DType.FLOAT32, q0, rows, keys).toFloatArray();
                        }
                    } else {
                        try (NoGrad ignored = NoGrad.enableGrad()) {
                            biasT = biasBlock(DType.FLOAT32, q0, rows, keys);
                        }
                        b = biasT.detach().toFloatArray();
                        dBias = new float[g.h * rows * keys];
                    }
                }
                FlashF32.backward(g, q, k, v, b, q0, rows, keys, lse, dO, delta, dq, dk, dv, dBias);
                if (dBias != null) {
                    try (NoGrad ignored = NoGrad.enableGrad()) {
                        paramGrads(biasT, Tensor.of(dBias, g.h, rows, keys), params, pg);
                    }
                }
            }
            scaled(dq);
            return new float[][] {dq, dk, dv};
        }
    }

    /** The float64 twin of {@link F32}. */
    private final class F64 {
        final FlashGeometry g;
        final int chunk;
        final double[] q;
        final double[] k;
        final double[] v;
        final double[] out;
        final double[] lse;

        F64(FlashGeometry g, int chunk, Tensor qt, Tensor kt, Tensor vt) {
            this.g = g;
            this.chunk = chunk;
            double[] qa = qt.toDoubleArray();
            for (int i = 0; i < qa.length; i++) {
                qa[i] *= scale;
            }
            this.q = qa;
            this.k = kt.toDoubleArray();
            this.v = vt.toDoubleArray();
            this.out = new double[g.b * g.h * g.tq * g.dv];
            this.lse = new double[g.b * g.h * g.tq];
        }

        Tensor forward() {
            Arrays.fill(lse, Double.NEGATIVE_INFINITY);
            for (int q0 = 0; q0 < g.tq; q0 += chunk) {
                int rows = Math.min(chunk, g.tq - q0);
                int keys = g.chunkKeys(q0, rows);
                if (keys == 0) {
                    continue;
                }
                double[] b = null;
                if (bias != null) {
                    try (NoGrad ignored = NoGrad.enter()) {
                        b = biasBlock(DType.FLOAT64, q0, rows, keys).toDoubleArray();
                    }
                }
                FlashF64.forward(g, q, k, v, b, q0, rows, keys, out, lse);
            }
            return Tensor.of(out, g.b, g.h, g.tq, g.dv);
        }

        Tensor[] backward(Tensor grad, List<Tensor> params) {
            double[] dO = grad.toDoubleArray();
            double[] delta = new double[lse.length];
            for (int row = 0; row < delta.length; row++) {
                delta[row] = dot(dO, out, row * g.dv, g.dv);
            }
            double[] dq = new double[q.length];
            double[] dk = new double[k.length];
            double[] dv = new double[v.length];
            Tensor[] pg = new Tensor[params.size()];
            for (int q0 = 0; q0 < g.tq; q0 += chunk) {
                int rows = Math.min(chunk, g.tq - q0);
                int keys = g.chunkKeys(q0, rows);
                if (keys == 0) {
                    continue;
                }
                double[] b = null;
                Tensor biasT = null;
                double[] dBias = null;
                if (bias != null) {
                    if (params.isEmpty()) {
                        try (NoGrad ignored = NoGrad.enter()) {
                            b = biasBlock(DType.FLOAT64, q0, rows, keys).toDoubleArray();
                        }
                    } else {
                        try (NoGrad ignored = NoGrad.enableGrad()) {
                            biasT = biasBlock(DType.FLOAT64, q0, rows, keys);
                        }
                        b = biasT.detach().toDoubleArray();
                        dBias = new double[g.h * rows * keys];
                    }
                }
                FlashF64.backward(g, q, k, v, b, q0, rows, keys, lse, dO, delta, dq, dk, dv, dBias);
                if (dBias != null) {
                    try (NoGrad ignored = NoGrad.enableGrad()) {
                        paramGrads(biasT, Tensor.of(dBias, g.h, rows, keys), params, pg);
                    }
                }
            }
            for (int i = 0; i < dq.length; i++) {
                dq[i] *= scale;
            }
            return result(Tensor.of(dq, g.b, g.h, g.tq, g.d), Tensor.of(dk, g.b, g.h, g.tk, g.d),
                    Tensor.of(dv, g.b, g.h, g.tk, g.dv), params, pg);
        }
    }
}
