package dev.heed.attention;

import dev.heed.attention.internal.FlashAttention;
import dev.heed.attention.internal.FastSoftmax;
import dev.heed.attention.spi.Similarity;
import dev.heed.core.CustomOp;
import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.Functional;
import dev.heed.positional.spi.PositionalScheme;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import org.apiguardian.api.API;

/**
 * Scaled (or otherwise scored) attention over per-head tensors:
 * scores = similarity(q, k) → + positional score term → + mask → softmax over keys → dropout →
 * weights · v (+ positional value term).
 *
 * <p>Shapes: {@code q [B, H, Tq, d]}, {@code k [B, H, Tk, d]}, {@code v [B, H, Tk, dv]}; the output is
 * {@code [B, H, Tq, dv]}. A query whose every key is masked gets a zero output and zero gradient.
 *
 * <p><b>Memory-efficient path.</b> When the similarity is a fixed multiple of {@code q·kᵀ}
 * ({@link Similarity#dotProductScale()}, e.g. {@code dot} and {@code scaled-dot}), the weights are
 * not requested, the positional scheme adds no score term or only a pure bias
 * ({@link PositionalScheme#isScoreBias()}) and no value term, the mask is only causal and/or key lengths,
 * and dropout is off, the output comes from a blocked online-softmax kernel (FLOAT32 or FLOAT64),
 * forward and backward, that never stores the {@code Tq × Tk} matrix; the gradient of a bias
 * scheme's parameters is accumulated block by block (see {@code docs/attention.md}). It agrees with
 * the plain path within rounding; its gradients are first order only, so pass
 * {@code allowBlocked = false} for double backward.
 *
 * <p>Stateless and thread-safe (the dropout generator is the caller's).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Attention {

    private Attention() {}

    /**
     * Attention with a mask only.
     *
     * @param q queries {@code [B, H, Tq, d]}
     * @param k keys {@code [B, H, Tk, d]}
     * @param v values {@code [B, H, Tk, dv]}
     * @param similarity the score function
     * @param mask which keys each query may see; {@link AttentionMask#none()} for all
     * @return output {@code [B, H, Tq, dv]} (no weights)
     */
    public static AttentionOutput attend(Tensor q, Tensor k, Tensor v, Similarity similarity, AttentionMask mask) {
        return attend(q, k, v, similarity, mask, null, 0, 0, 0.0, null, false, true);
    }

    /**
     * The full form.
     *
     * @param q queries {@code [B, H, Tq, d]}
     * @param k keys {@code [B, H, Tk, d]}
     * @param v values {@code [B, H, Tk, dv]}
     * @param similarity the score function
     * @param mask which keys each query may see
     * @param positional the model's positional scheme whose score and value terms apply here, or
     *     null; its query/key transform is the caller's job (it must precede caching)
     * @param layer this attention layer's index for the scheme
     * @param queryOffset absolute position of the first query (the KV-cache length); keys start at 0
     * @param dropout probability of dropping a weight (0 for none)
     * @param rng generator for the dropout mask; required when {@code dropout > 0}
     * @param needWeights whether to return the weights {@code [B, H, Tq, Tk]}
     * @param allowBlocked whether the memory-efficient path may be used when it applies
     * @return output and optional weights
     * @throws IllegalArgumentException on mismatched shapes or dtypes
     */
    public static AttentionOutput attend(Tensor q, Tensor k, Tensor v, Similarity similarity, AttentionMask mask,
                                         PositionalScheme positional, int layer, int queryOffset,
                                         double dropout, Rng rng, boolean needWeights, boolean allowBlocked) {
        Objects.requireNonNull(similarity, "attend: similarity");
        Objects.requireNonNull(mask, "attend: mask");
        check(q, k, v);
        if (dropout < 0 || dropout > 1) {
            throw new IllegalArgumentException("attend: dropout " + dropout + " must be in [0, 1]");
        }
        if (dropout > 0 && rng == null) {
            throw new IllegalArgumentException("attend: dropout " + dropout + " needs a generator; pass an Rng");
        }
        if (queryOffset < 0) {
            throw new IllegalArgumentException("attend: queryOffset " + queryOffset + " must be >= 0");
        }
        int b = q.size(0);
        int h = q.size(1);
        int tq = q.size(2);
        int tk = k.size(2);
        boolean scoreTerm = positional != null && positional.hasScoreTerm();
        boolean valueTerm = positional != null && positional.hasValueTerm();
        OptionalDouble lin = similarity.dotProductScale();
        if (allowBlocked && !needWeights && lin.isPresent() && (!scoreTerm || positional.isScoreBias()) && !valueTerm
                && mask.isStructured() && dropout == 0 ) {
            return new AttentionOutput(blocked(q, k, v, lin.getAsDouble(), mask,
                    scoreTerm ? positional : null, layer, queryOffset), null, true);
        }
        Tensor scores = similarity.score(q, k);
        if (scoreTerm) {
            scores = positional.addScoreTerm(layer, scores, q, queryOffset, 0);
        }
        Tensor add = mask.toAdditive(b, h, tq, tk, scores.dtype());
        if (add != null) {
            scores = scores.add(add);
        }
        Tensor w = FastSoftmax.apply(scores);
        Tensor wd = dropout > 0 ? Functional.dropout(w, dropout, rng) : w;
        Tensor out = wd.matmul(v);
        if (valueTerm) {
            out = positional.addValueTerm(layer, out, wd, queryOffset, 0);
        }
        return new AttentionOutput(out, needWeights ? w : null, false);
    }

    private static void check(Tensor q, Tensor k, Tensor v) {
        Objects.requireNonNull(q, "attend: q");
        Objects.requireNonNull(k, "attend: k");
        Objects.requireNonNull(v, "attend: v");
        if (q.dim() != 4 || k.dim() != 4 || v.dim() != 4) {
            throw new IllegalArgumentException("attend: q " + Arrays.toString(q.shape()) + ", k " + Arrays.toString(k.shape())
                    + ", v " + Arrays.toString(v.shape()) + " must all be 4-D [B, H, T, d]; add missing axes with unsqueeze");
        }
        if (q.dtype() != k.dtype() || q.dtype() != v.dtype() || !q.dtype().isFloating()) {
            throw new IllegalArgumentException("attend: q, k, v must share a float dtype, got " + q.dtype() + ", " + k.dtype()
                    + ", " + v.dtype());
        }
        if (q.size(0) != k.size(0) || q.size(1) != k.size(1) || k.size(0) != v.size(0) || k.size(1) != v.size(1)) {
            throw new IllegalArgumentException("attend: batch and head dimensions differ: q " + Arrays.toString(q.shape())
                    + ", k " + Arrays.toString(k.shape()) + ", v " + Arrays.toString(v.shape()));
        }
        if (k.size(2) != v.size(2)) {
            throw new IllegalArgumentException("attend: k " + Arrays.toString(k.shape()) + " and v " + Arrays.toString(v.shape())
                    + " must have the same number of keys (dimension 2: " + k.size(2) + " vs " + v.size(2) + ")");
        }
        if (q.size(3) != k.size(3)) {
            throw new IllegalArgumentException("attend: q " + Arrays.toString(q.shape()) + " and k " + Arrays.toString(k.shape())
                    + " differ in head size (" + q.size(3) + " vs " + k.size(3) + ")");
        }
    }

    private static Tensor blocked(Tensor q, Tensor k, Tensor v, double scale, AttentionMask mask,
                                  PositionalScheme bias, int layer, int queryOffset) {
        return new FlashAttention(scale, mask.isCausal(), mask.keyLengthsOrNull(),
                biasSource(bias, layer, queryOffset, q.dtype())).apply(q, k, v);
    }

    private static FlashAttention.BiasSource biasSource(PositionalScheme bias, int layer, int queryOffset, DType dt) {
        if (bias == null) {
            return null;
        }
        return new FlashAttention.BiasSource() {
            @Override
            public Tensor block(int q0, int rows, int keys) {
                return bias.scoreBias(layer, dt, queryOffset + q0, rows, 0, keys);
            }

            @Override
            public List<Tensor> parameters() {
                return bias.parameters();
            }
        };
    }

    /**
     * @return whether {@link #packedSelfAttention} serves self-attention with these settings: the
     *     memory-efficient path applies (see the class comment), FLOAT32, and no query/key transform
     */
    static boolean packedApplies(int batch, DType dtype, Similarity similarity, AttentionMask mask,
                                 PositionalScheme positional, double dropout) {
        if (similarity.dotProductScale().isEmpty() || !mask.isStructured() || dropout != 0 || dtype != DType.FLOAT32) {
            return false;
        }
        if (positional != null && (positional.actsOnQueryKey() || !positional.supportsBlockwiseAttention())) {
            return false;
        }
        int[] lengths = mask.keyLengthsOrNull();
        return lengths == null || lengths.length == batch; // else the general path explains the mismatch
    }

    /**
     * Self-attention over packed projections; callers check {@link #packedApplies} first.
     *
     * @param qkv {@code [B, T, 3E]}: queries, keys, values side by side
     * @return {@code [B, T, E]} with the heads merged
     */
    static Tensor packedSelfAttention(Tensor qkv, int heads, Similarity similarity, AttentionMask mask,
                                      PositionalScheme positional, int layer) {
        PositionalScheme bias = positional != null && positional.hasScoreTerm() ? positional : null;
        return new FlashAttention(similarity.dotProductScale().getAsDouble(), mask.isCausal(), mask.keyLengthsOrNull(),
                biasSource(bias, layer, 0, DType.FLOAT32)).applyPacked(qkv, heads);
    }
}
