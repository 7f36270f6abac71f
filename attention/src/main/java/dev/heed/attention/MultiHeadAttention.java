package dev.heed.attention;

import dev.heed.attention.spi.Similarity;
import dev.heed.attention.spi.SimilarityContext;
import dev.heed.attention.spi.SimilarityFactory;
import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.Functional;
import dev.heed.core.nn.Linear;
import dev.heed.core.nn.Module;
import dev.heed.positional.spi.PositionalScheme;
import java.util.Arrays;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Multi-head attention (Vaswani et al. 2017) with a pluggable similarity: inputs are projected to
 * {@code heads} queries, keys and values of size {@code embedDim / heads}, attended per head and
 * projected back to {@code embedDim}.
 *
 * <pre>{@code
 * MultiHeadAttention mha = MultiHeadAttention.builder(128, 4)
 *         .similarity(Similarities.factory("cosine")).dropout(0.1).build(Rng.seeded(7));
 * Tensor y = mha.forward(x, AttentionMask.causal());                 // self-attention [B, T, 128]
 * AttentionOutput o = mha.forward(x, memory, memory, AttentionMask.none(), true, false, null);
 * }</pre>
 *
 * <p>Parameters: {@code wq [E, E]}, {@code wk [E, kDim]}, {@code wv [E, vDim]}, {@code wo [E, E]}
 * (each a {@link Linear}, with bias unless disabled), plus the similarity's own parameters under
 * {@code similarity}. Dropout applies to the attention weights in training mode.
 *
 * <p>Self-attention (the same tensor as query, key and value, no cache) on the memory-efficient
 * path of {@link Attention} in FLOAT32 runs the three input projections as one {@code [3E, E]}
 * product and hands the packed result to the blocked kernel, which splits and merges the heads
 * itself; the numbers are those of the separate projections up to float32 rounding.
 *
 * <p>Not thread-safe while training (see {@link Module}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class MultiHeadAttention extends Module {

    private final int embedDim;
    private final int heads;
    private final int headDim;
    private final int kDim;
    private final int vDim;
    private final double dropout;
    private final Rng dropoutRng;
    private final Similarity similarity;
    private final PositionalScheme positional;
    private final int layer;

    private MultiHeadAttention(Builder b, Rng rng) {
        this.embedDim = b.embedDim;
        this.heads = b.heads;
        this.headDim = b.embedDim / b.heads;
        this.kDim = b.kDim == 0 ? b.embedDim : b.kDim;
        this.vDim = b.vDim == 0 ? b.embedDim : b.vDim;
        this.dropout = b.dropout;
        registerModule("wq", new Linear(embedDim, embedDim, b.bias, rng));
        registerModule("wk", new Linear(kDim, embedDim, b.bias, rng));
        registerModule("wv", new Linear(vDim, embedDim, b.bias, rng));
        registerModule("wo", new Linear(embedDim, embedDim, b.bias, rng));
        this.similarity = b.similarity.create(new SimilarityContext(headDim, heads, DType.FLOAT32, rng));
        Objects.requireNonNull(similarity, "similarity factory returned null");
        Module sm = similarity.module();
        if (sm != null) {
            registerModule("similarity", sm);
        }
        this.positional = b.positional;
        this.layer = b.layer;
        if (positional != null && (positional.dims().heads() != heads || positional.dims().headDim() != headDim)) {
            throw new IllegalArgumentException("MultiHeadAttention: the positional scheme '" + positional.schemeName()
                    + "' was created for heads=" + positional.dims().heads() + ", headDim=" + positional.dims().headDim()
                    + " but this layer has heads=" + heads + ", headDim=" + headDim);
        }
        this.dropoutRng = Rng.seeded(rng.nextLong());
    }

    /**
     * @param embedDim model width E (divisible by heads)
     * @param heads number of heads
     * @return a builder with PyTorch's defaults (bias on, no dropout, kDim = vDim = E) and
     *     {@code scaled-dot} similarity
     */
    public static Builder builder(int embedDim, int heads) {
        return new Builder(embedDim, heads);
    }

    /** @return model width E */
    public int embedDim() {
        return embedDim;
    }

    /** @return head count */
    public int heads() {
        return heads;
    }

    /** @return size of each head */
    public int headDim() {
        return headDim;
    }

    /** @return the similarity function */
    public Similarity similarity() {
        return similarity;
    }

    /** @return a new empty cache for incremental decoding with this layer */
    public KVCache newCache() {
        return new KVCache();
    }

    /**
     * Self-attention.
     *
     * @param x input {@code [B, T, E]}
     * @param mask the mask (causal for decoders)
     * @return output {@code [B, T, E]}
     */
    public Tensor forward(Tensor x, AttentionMask mask) {
        return forward(x, x, x, mask, false, false, null).output();
    }

    /**
     * Self-attention continuing a cached prefix: {@code x} holds the next positions; the cache
     * provides (and receives) the keys and values of all earlier positions.
     *
     * @param x next positions {@code [B, t, E]}
     * @param mask the mask for the new queries against all keys (causal for decoders)
     * @param cache this layer's cache
     * @return output {@code [B, t, E]}
     */
    public Tensor forward(Tensor x, AttentionMask mask, KVCache cache) {
        return forward(x, x, x, mask, false, false, cache).output();
    }

    /**
     * The general form (cross-attention when key/value differ from query).
     *
     * @param query {@code [B, Tq, E]}
     * @param key {@code [B, Tk, kDim]}
     * @param value {@code [B, Tk, vDim]}
     * @param mask which keys each query may see (keys include cached ones)
     * @param needWeights return the attention weights
     * @param averageWeights average the weights over heads ({@code [B, Tq, Tk]}) instead of per
     *     head ({@code [B, H, Tq, Tk]})
     * @param cache a cache to read and extend, or null
     * @return output {@code [B, Tq, E]} and the weights if requested
     */
    public AttentionOutput forward(Tensor query, Tensor key, Tensor value, AttentionMask mask, boolean needWeights,
                                   boolean averageWeights, KVCache cache) {
        Objects.requireNonNull(mask, "MultiHeadAttention: mask");
        check("query", query, embedDim);
        check("key", key, kDim);
        check("value", value, vDim);
        int b = query.size(0);
        int tq = query.size(1);
        int tk = key.size(1);
        if (key.size(0) != b || value.size(0) != b || value.size(1) != tk) {
            throw new IllegalArgumentException("MultiHeadAttention: query " + Arrays.toString(query.shape()) + ", key "
                    + Arrays.toString(key.shape()) + ", value " + Arrays.toString(value.shape())
                    + " must share the batch size, and key and value the length");
        }
        double p = isTraining() ? dropout : 0.0;
        if (query == key && key == value && cache == null && !needWeights
                && Attention.packedApplies(b, query.dtype(), similarity, mask, positional, p)) {
            // self-attention on the memory-efficient path: one [3E, E] projection, heads split and merged in the kernel
            Linear lq = (Linear) submodule("wq");
            Linear lk = (Linear) submodule("wk");
            Linear lv = (Linear) submodule("wv");
            if (lq.weight().dtype() == DType.FLOAT32) {
                Tensor w = Tensor.concat(0, lq.weight(), lk.weight(), lv.weight());
                Tensor bias = lq.bias() == null ? null : Tensor.concat(0, lq.bias(), lk.bias(), lv.bias());
                Tensor merged = Attention.packedSelfAttention(Functional.linear(query, w, bias), heads, similarity, mask,
                        positional, layer);
                return new AttentionOutput(((Linear) submodule("wo")).forward(merged), null, true);
            }
        }
        int offset = cache == null ? 0 : cache.length();
        Tensor q = split(((Linear) submodule("wq")).forward(query), b, tq);
        Tensor k = split(((Linear) submodule("wk")).forward(key), b, tk);
        Tensor v = split(((Linear) submodule("wv")).forward(value), b, tk);
        if (positional != null && positional.actsOnQueryKey()) {
            q = positional.query(layer, q, offset);
            k = positional.key(layer, k, offset);
        }
        if (cache != null) {
            cache.append(k, v);
            k = cache.keys();
            v = cache.values();
        }
        AttentionOutput o = Attention.attend(q, k, v, similarity, mask, positional, layer, offset, p, dropoutRng,
                needWeights, true);
        Tensor merged = o.output().permute(0, 2, 1, 3).contiguous().reshape(b, tq, embedDim);
        Tensor out = ((Linear) submodule("wo")).forward(merged);
        Tensor w = o.weights();
        if (w != null && averageWeights) {
            w = w.mean(1);
        }
        return new AttentionOutput(out, w, o.blocked());
    }

    private Tensor split(Tensor x, int b, int t) {
        return x.reshape(b, t, heads, headDim).permute(0, 2, 1, 3).contiguous();
    }

    private static void check(String what, Tensor x, int width) {
        Objects.requireNonNull(x, "MultiHeadAttention: " + what);
        if (x.dim() != 3 || x.size(2) != width) {
            throw new IllegalArgumentException("MultiHeadAttention: " + what + " has shape " + Arrays.toString(x.shape())
                    + "; expected [B, T, " + width + "] (batch, time, features)"
                    + (x.dim() == 2 ? "; add a batch axis with unsqueeze(0)" : ""));
        }
    }

    @Override
    protected String extraRepr() {
        return "MultiHeadAttention(embedDim=" + embedDim + ", heads=" + heads + ", kDim=" + kDim + ", vDim=" + vDim
                + ", dropout=" + dropout + ", similarity=" + similarity + ")";
    }

    /** Configuration of a {@link MultiHeadAttention}. Not thread-safe. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public static final class Builder {
        private final int embedDim;
        private final int heads;
        private int kDim;
        private int vDim;
        private boolean bias = true;
        private double dropout;
        private SimilarityFactory similarity;
        private PositionalScheme positional;
        private int layer;

        private Builder(int embedDim, int heads) {
            if (embedDim <= 0 || heads <= 0 || embedDim % heads != 0) {
                throw new IllegalArgumentException("MultiHeadAttention: embedDim " + embedDim + " must be a positive multiple of heads "
                        + heads + " (each head gets embedDim / heads features)");
            }
            this.embedDim = embedDim;
            this.heads = heads;
        }

        /**
         * @param kDim feature size of the key input (cross-attention); 0 for embedDim
         * @return this
         */
        public Builder kDim(int kDim) {
            this.kDim = nonNegative("kDim", kDim);
            return this;
        }

        /**
         * @param vDim feature size of the value input (cross-attention); 0 for embedDim
         * @return this
         */
        public Builder vDim(int vDim) {
            this.vDim = nonNegative("vDim", vDim);
            return this;
        }

        /**
         * @param bias whether the four projections have biases (default true)
         * @return this
         */
        public Builder bias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /**
         * @param p dropout on the attention weights in training mode, in [0, 1)
         * @return this
         */
        public Builder dropout(double p) {
            if (!(p >= 0 && p < 1)) {
                throw new IllegalArgumentException("MultiHeadAttention: dropout " + p + " must be in [0, 1)");
            }
            this.dropout = p;
            return this;
        }

        /**
         * @param factory the similarity (default {@code scaled-dot})
         * @return this
         */
        public Builder similarity(SimilarityFactory factory) {
            this.similarity = Objects.requireNonNull(factory, "similarity");
            return this;
        }

        /**
         * Uses a model's positional scheme inside this layer: its query/key transform (before the
         * KV cache), score term and value term. The scheme is not registered as a submodule: its
         * parameters belong to the model that created it (conventionally under {@code pos}).
         *
         * @param scheme the scheme, or null for none (the default)
         * @param layer this layer's index in {@code [0, scheme.dims().layers())}
         * @return this
         */
        public Builder positional(PositionalScheme scheme, int layer) {
            if (scheme != null && (layer < 0 || layer >= scheme.dims().layers())) {
                throw new IllegalArgumentException("MultiHeadAttention: layer " + layer + " is outside the scheme's 0 .. "
                        + (scheme.dims().layers() - 1));
            }
            this.positional = scheme;
            this.layer = layer;
            return this;
        }

        private static int nonNegative(String name, int v) {
            if (v < 0) {
                throw new IllegalArgumentException("MultiHeadAttention: " + name + " " + v + " must be >= 0 (0 = embedDim)");
            }
            return v;
        }

        /**
         * @param rng generator for the initial parameters and the dropout masks
         * @return the module (FLOAT32; convert with {@code to(DType.FLOAT64)})
         */
        public MultiHeadAttention build(Rng rng) {
            Objects.requireNonNull(rng, "rng");
            if (similarity == null) {
                similarity = Similarities.factory("scaled-dot");
            }
            return new MultiHeadAttention(this, rng);
        }
    }
}
