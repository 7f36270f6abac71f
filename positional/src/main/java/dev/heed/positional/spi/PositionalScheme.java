package dev.heed.positional.spi;

import dev.heed.core.DType;
import dev.heed.core.Tensor;
import dev.heed.core.nn.Module;
import java.util.Arrays;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * How a model learns positions: one instance per model, serving its token embeddings and every
 * attention layer.
 *
 * <p>A scheme may act at up to three points, each optional (the default is to do nothing):
 * <ol>
 *   <li><b>embeddings</b> (absolute schemes): {@link #embed} maps token embeddings
 *       {@code [B, T, dModel]} to position-aware ones, e.g. by adding a sinusoid;
 *   <li><b>queries and keys</b> (rotary schemes): {@link #query} and {@link #key} transform
 *       {@code [B, H, T, headDim]} before the similarity function scores them;
 *   <li><b>scores</b> (relative schemes): {@link #addScoreTerm} adds a term to the raw score matrix
 *       {@code [B, H, Tq, Tk]} before masking and softmax; optionally {@link #addValueTerm} adds a
 *       term to the attention output {@code [B, H, Tq, headDim]} from the attention weights
 *       (Shaw et al.'s value term {@code o_i += Σ_j α_ij r^V_{j−i}}).
 * </ol>
 * The capability methods ({@link #actsOnEmbeddings()}, {@link #actsOnQueryKey()},
 * {@link #hasScoreTerm()}, {@link #isScoreBias()}, {@link #hasValueTerm()}) say which points are
 * used, so attention can skip the others and choose its algorithm.
 *
 * <h2>Positions and the KV cache</h2>
 * Every hook takes the absolute position of the first row it sees. In a full-sequence forward pass
 * all offsets are 0. In incremental decoding with a KV cache the new queries sit at positions
 * {@code offset .. offset + Tq − 1}, the cached and new keys at {@code 0 .. Tk − 1}: call
 * {@code key(layer, kNew, cacheLength)} before appending to the cache, {@code query(layer, q,
 * cacheLength)}, and {@code addScoreTerm(layer, scores, q, cacheLength, 0)}. A conforming scheme
 * gives the same numbers computed at once or piece by piece (the testkit checks it).
 *
 * <h2>Lengths</h2>
 * {@link #maxLength()} is the number of positions the scheme supports ({@link #UNBOUNDED} for
 * relative and functional schemes); every hook throws {@link IllegalArgumentException} naming the
 * limit when asked for a position at or beyond it.
 *
 * <h2>Parameters and layers</h2>
 * A scheme is a {@link Module}: learnable tables are registered parameters, so they appear in the
 * model's state dict when the model registers the scheme as a submodule (conventionally under the
 * name {@code "pos"}). Per-layer hooks take the attention layer index in
 * {@code [0, dims().layers())}; a table shared across layers is one parameter used for every index,
 * a per-layer table is one parameter per layer (e.g. {@code layer3.table}).
 *
 * <h2>Writing a scheme</h2>
 * Override the capability methods you use and the matching protected {@code apply...}/{@code
 * compute...} methods. The public hook methods are final: they validate arguments (shapes, layer,
 * offsets, length limit) and skip unused points, so implementations receive well-formed input.
 * Inputs may be FLOAT32 or FLOAT64; return the input's dtype.
 *
 * <p>Threads: as for every {@link Module}, forward calls on several threads are safe as long as
 * nothing mutates the scheme.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public abstract class PositionalScheme extends Module {

    /** {@link #maxLength()} of schemes without a length limit. */
    public static final int UNBOUNDED = Integer.MAX_VALUE;

    private final String schemeName;
    private final PositionalDims dims;

    /**
     * @param schemeName the provider name, used in error messages (e.g. {@code "learned"})
     * @param dims the model's dimensions
     */
    protected PositionalScheme(String schemeName, PositionalDims dims) {
        this.schemeName = Objects.requireNonNull(schemeName, "schemeName");
        this.dims = Objects.requireNonNull(dims, "dims");
    }

    /** @return the provider name this scheme was created by, e.g. {@code "relative-key"} */
    public final String schemeName() {
        return schemeName;
    }

    /** @return the model's dimensions */
    public final PositionalDims dims() {
        return dims;
    }

    /** @return the number of positions supported (positions {@code 0 .. maxLength() − 1}); {@link #UNBOUNDED} by default */
    public int maxLength() {
        return UNBOUNDED;
    }

    // ------------------------------------------------------------------------------------------
    // Capabilities
    // ------------------------------------------------------------------------------------------

    /** @return whether {@link #embed} changes the token embeddings (absolute schemes) */
    public boolean actsOnEmbeddings() {
        return false;
    }

    /** @return whether {@link #query}/{@link #key} change queries and keys (rotary schemes) */
    public boolean actsOnQueryKey() {
        return false;
    }

    /** @return whether {@link #addScoreTerm} adds anything to the scores (relative schemes) */
    public boolean hasScoreTerm() {
        return false;
    }

    /**
     * @return whether the score term is a pure bias that does not depend on q, available through
     *     {@link #scoreBias} block by block (relative-bias, ALiBi); implies {@link #hasScoreTerm()}
     */
    public boolean isScoreBias() {
        return false;
    }

    /** @return whether {@link #addValueTerm} adds a term computed from the attention weights */
    public boolean hasValueTerm() {
        return false;
    }

    /**
     * @return whether a memory-efficient attention that never materialises the whole weight matrix
     *     can serve this scheme: no score term or a pure bias ({@link #scoreBias} per block), and no
     *     value term. Query/key and embedding transforms are always compatible.
     */
    public final boolean supportsBlockwiseAttention() {
        return !hasValueTerm() && (!hasScoreTerm() || isScoreBias());
    }

    // ------------------------------------------------------------------------------------------
    // Public hooks (validating, final)
    // ------------------------------------------------------------------------------------------

    /**
     * Checks that positions {@code offset .. offset + length − 1} are supported.
     *
     * @param op the operation, for the message
     * @param offset absolute position of the first element (>= 0)
     * @param length number of positions (>= 0)
     * @throws IllegalArgumentException if the offset is negative or the last position is at or
     *     beyond {@link #maxLength()}
     */
    public final void checkPositions(String op, int offset, int length) {
        if (offset < 0) {
            throw new IllegalArgumentException(schemeName + "." + op + ": position offset " + offset
                    + " is negative; offsets are the absolute position of the first row (0 for a full sequence)");
        }
        long end = (long) offset + length;
        if (end > maxLength()) {
            throw new IllegalArgumentException(schemeName + "." + op + ": positions " + offset + " .. " + (end - 1)
                    + " (offset " + offset + " + length " + length + ") exceed the scheme's maxLength " + maxLength()
                    + " (positions 0 .. " + (maxLength() - 1) + "); use sequences of at most " + maxLength()
                    + " positions, a larger maxLength option, or a relative scheme");
        }
    }

    /**
     * The absolute hook: adds position information to token embeddings.
     *
     * @param x token embeddings {@code [B, T, dModel]}, FLOAT32 or FLOAT64
     * @param offset absolute position of {@code x}'s first row (0 for a full sequence)
     * @return {@code [B, T, dModel]}; {@code x} itself when {@link #actsOnEmbeddings()} is false
     * @throws IllegalArgumentException on a wrong shape, a negative offset or positions beyond {@link #maxLength()}
     */
    public final Tensor embed(Tensor x, int offset) {
        checkShape("embed", "x", x, 3, -1, -1, dims.dModel());
        checkPositions("embed", offset, x.size(1));
        if (!actsOnEmbeddings()) {
            return x;
        }
        return checkResult("embed", applyToEmbeddings(x, offset), x.shape());
    }

    /**
     * The rotary hook for queries.
     *
     * @param layer attention layer index in {@code [0, dims().layers())}
     * @param q queries {@code [B, H, Tq, headDim]}
     * @param offset absolute position of the first query
     * @return {@code [B, H, Tq, headDim]}; {@code q} itself when {@link #actsOnQueryKey()} is false
     * @throws IllegalArgumentException on a bad layer, shape, offset or length
     */
    public final Tensor query(int layer, Tensor q, int offset) {
        checkLayer("query", layer);
        checkShape("query", "q", q, 4, -1, dims.heads(), -1, dims.headDim());
        checkPositions("query", offset, q.size(2));
        if (!actsOnQueryKey()) {
            return q;
        }
        return checkResult("query", applyToQuery(layer, q, offset), q.shape());
    }

    /**
     * The rotary hook for keys. With a KV cache, call it on the new keys (offset = number of
     * cached keys) before appending them, so cached keys are stored transformed.
     *
     * @param layer attention layer index in {@code [0, dims().layers())}
     * @param k keys {@code [B, H, Tk, headDim]}
     * @param offset absolute position of the first key
     * @return {@code [B, H, Tk, headDim]}; {@code k} itself when {@link #actsOnQueryKey()} is false
     * @throws IllegalArgumentException on a bad layer, shape, offset or length
     */
    public final Tensor key(int layer, Tensor k, int offset) {
        checkLayer("key", layer);
        checkShape("key", "k", k, 4, -1, dims.heads(), -1, dims.headDim());
        checkPositions("key", offset, k.size(2));
        if (!actsOnQueryKey()) {
            return k;
        }
        return checkResult("key", applyToKey(layer, k, offset), k.shape());
    }

    /**
     * The relative hook: adds the scheme's term to raw scores (after the similarity function,
     * before masking and softmax). Query {@code i} is at position {@code queryOffset + i}, key
     * {@code j} at {@code keyOffset + j}.
     *
     * @param layer attention layer index
     * @param scores raw scores {@code [B, H, Tq, Tk]}
     * @param q the queries that produced them {@code [B, H, Tq, headDim]} (after {@link #query});
     *     only q-dependent terms (relative-key) read it
     * @param queryOffset absolute position of the first query
     * @param keyOffset absolute position of the first key (0 with a KV cache)
     * @return {@code scores + term}, {@code [B, H, Tq, Tk]}; {@code scores} itself when
     *     {@link #hasScoreTerm()} is false
     * @throws IllegalArgumentException on a bad layer, shape, offset or length
     */
    public final Tensor addScoreTerm(int layer, Tensor scores, Tensor q, int queryOffset, int keyOffset) {
        checkLayer("addScoreTerm", layer);
        checkShape("addScoreTerm", "scores", scores, 4, -1, dims.heads(), -1, -1);
        int tq = scores.size(2);
        int tk = scores.size(3);
        checkShape("addScoreTerm", "q", q, 4, scores.size(0), dims.heads(), tq, dims.headDim());
        checkPositions("addScoreTerm", queryOffset, tq);
        checkPositions("addScoreTerm", keyOffset, tk);
        if (!hasScoreTerm()) {
            return scores;
        }
        Tensor term = isScoreBias()
                ? computeScoreBias(layer, scores.dtype(), queryOffset, tq, keyOffset, tk).unsqueeze(0)
                : computeScoreTerm(layer, q, queryOffset, keyOffset, tk);
        return scores.add(term.dtype() == scores.dtype() ? term : term.to(scores.dtype()));
    }

    /**
     * The bias of a pure-bias score term for one block of queries and keys, so that a blocked
     * (flash-style) attention never builds the whole matrix. {@code bias[h, i, j]} is the term
     * for query position {@code queryOffset + i} and key position {@code keyOffset + j}. It is
     * differentiable with respect to the scheme's parameters.
     *
     * @param layer attention layer index
     * @param dtype FLOAT32 or FLOAT64, the dtype of the result
     * @param queryOffset absolute position of the block's first query
     * @param queryLength queries in the block (> 0)
     * @param keyOffset absolute position of the block's first key
     * @param keyLength keys in the block (> 0)
     * @return {@code [H, queryLength, keyLength]}
     * @throws IllegalStateException if {@link #isScoreBias()} is false
     * @throws IllegalArgumentException on a bad layer, dtype, offset or length
     */
    public final Tensor scoreBias(int layer, DType dtype, int queryOffset, int queryLength, int keyOffset,
            int keyLength) {
        if (!isScoreBias()) {
            throw new IllegalStateException(schemeName + ".scoreBias: this scheme's score term is not a pure bias "
                    + "(isScoreBias() is false); use addScoreTerm with the queries instead");
        }
        checkLayer("scoreBias", layer);
        Objects.requireNonNull(dtype, "scoreBias: dtype");
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException(schemeName + ".scoreBias: dtype must be FLOAT32 or FLOAT64, got " + dtype);
        }
        if (queryLength <= 0 || keyLength <= 0) {
            throw new IllegalArgumentException(schemeName + ".scoreBias: block lengths must be positive, got queryLength="
                    + queryLength + ", keyLength=" + keyLength);
        }
        checkPositions("scoreBias", queryOffset, queryLength);
        checkPositions("scoreBias", keyOffset, keyLength);
        Tensor b = computeScoreBias(layer, dtype, queryOffset, queryLength, keyOffset, keyLength);
        b = b.dtype() == dtype ? b : b.to(dtype);
        return checkResult("scoreBias", b, new int[] {dims.heads(), queryLength, keyLength});
    }

    /**
     * The value hook: adds a term computed from the attention weights to the attention output
     * (before the heads are merged).
     *
     * @param layer attention layer index
     * @param output {@code Σ_j α_ij v_j}, {@code [B, H, Tq, headDim]}
     * @param weights attention weights α after softmax (and dropout), {@code [B, H, Tq, Tk]}
     * @param queryOffset absolute position of the first query
     * @param keyOffset absolute position of the first key
     * @return {@code output + term}; {@code output} itself when {@link #hasValueTerm()} is false
     * @throws IllegalArgumentException on a bad layer, shape, offset or length
     */
    public final Tensor addValueTerm(int layer, Tensor output, Tensor weights, int queryOffset, int keyOffset) {
        checkLayer("addValueTerm", layer);
        checkShape("addValueTerm", "weights", weights, 4, -1, dims.heads(), -1, -1);
        checkShape("addValueTerm", "output", output, 4, weights.size(0), dims.heads(), weights.size(2), dims.headDim());
        checkPositions("addValueTerm", queryOffset, weights.size(2));
        checkPositions("addValueTerm", keyOffset, weights.size(3));
        if (!hasValueTerm()) {
            return output;
        }
        Tensor term = computeValueTerm(layer, weights, queryOffset, keyOffset);
        return output.add(term.dtype() == output.dtype() ? term : term.to(output.dtype()));
    }

    // ------------------------------------------------------------------------------------------
    // What implementations override
    // ------------------------------------------------------------------------------------------

    /**
     * Implements {@link #embed} when {@link #actsOnEmbeddings()} is true.
     *
     * @param x {@code [B, T, dModel]}, validated
     * @param offset absolute position of the first row, within {@link #maxLength()}
     * @return {@code [B, T, dModel]}
     */
    protected Tensor applyToEmbeddings(Tensor x, int offset) {
        throw notImplemented("actsOnEmbeddings", "applyToEmbeddings");
    }

    /**
     * Implements {@link #query} when {@link #actsOnQueryKey()} is true.
     *
     * @param layer validated layer index
     * @param q {@code [B, H, Tq, headDim]}
     * @param offset absolute position of the first query
     * @return {@code [B, H, Tq, headDim]}
     */
    protected Tensor applyToQuery(int layer, Tensor q, int offset) {
        throw notImplemented("actsOnQueryKey", "applyToQuery");
    }

    /**
     * Implements {@link #key}; by default the same transform as {@link #applyToQuery}.
     *
     * @param layer validated layer index
     * @param k {@code [B, H, Tk, headDim]}
     * @param offset absolute position of the first key
     * @return {@code [B, H, Tk, headDim]}
     */
    protected Tensor applyToKey(int layer, Tensor k, int offset) {
        return applyToQuery(layer, k, offset);
    }

    /**
     * Implements {@link #addScoreTerm} for q-dependent terms ({@link #hasScoreTerm()} true,
     * {@link #isScoreBias()} false).
     *
     * @param layer validated layer index
     * @param q {@code [B, H, Tq, headDim]}
     * @param queryOffset absolute position of the first query
     * @param keyOffset absolute position of the first key
     * @param keyLength number of keys {@code Tk}
     * @return a term broadcastable to {@code [B, H, Tq, Tk]}
     */
    protected Tensor computeScoreTerm(int layer, Tensor q, int queryOffset, int keyOffset, int keyLength) {
        throw notImplemented("hasScoreTerm", "computeScoreTerm");
    }

    /**
     * Implements {@link #scoreBias} (and {@link #addScoreTerm}) for pure-bias schemes.
     *
     * @param layer validated layer index
     * @param dtype requested dtype (the result is converted if it differs)
     * @param queryOffset absolute position of the first query
     * @param queryLength number of queries
     * @param keyOffset absolute position of the first key
     * @param keyLength number of keys
     * @return {@code [H, queryLength, keyLength]}
     */
    protected Tensor computeScoreBias(int layer, DType dtype, int queryOffset, int queryLength, int keyOffset,
            int keyLength) {
        throw notImplemented("isScoreBias", "computeScoreBias");
    }

    /**
     * Implements {@link #addValueTerm} when {@link #hasValueTerm()} is true.
     *
     * @param layer validated layer index
     * @param weights {@code [B, H, Tq, Tk]}
     * @param queryOffset absolute position of the first query
     * @param keyOffset absolute position of the first key
     * @return a term broadcastable to {@code [B, H, Tq, headDim]}
     */
    protected Tensor computeValueTerm(int layer, Tensor weights, int queryOffset, int keyOffset) {
        throw notImplemented("hasValueTerm", "computeValueTerm");
    }

    @Override
    protected String extraRepr() {
        return getClass().getSimpleName() + "('" + schemeName + "', dModel=" + dims.dModel() + ", heads=" + dims.heads()
                + ", headDim=" + dims.headDim() + ", layers=" + dims.layers()
                + (maxLength() == UNBOUNDED ? "" : ", maxLength=" + maxLength()) + ")";
    }

    // ------------------------------------------------------------------------------------------
    // Validation helpers
    // ------------------------------------------------------------------------------------------

    private IllegalStateException notImplemented(String capability, String method) {
        return new IllegalStateException(schemeName + " (" + getClass().getName() + ") returns true from " + capability
                + "() but does not override " + method + "; override it or return false");
    }

    private void checkLayer(String op, int layer) {
        if (layer < 0 || layer >= dims.layers()) {
            throw new IllegalArgumentException(schemeName + "." + op + ": layer " + layer
                    + " is out of range for a scheme created for " + dims.layers() + " layer(s) (valid: 0 .. "
                    + (dims.layers() - 1) + "); create the scheme with PositionalDims(..., layers)");
        }
    }

    /** Expected sizes: -1 means any. */
    private void checkShape(String op, String what, Tensor t, int rank, int... expected) {
        Objects.requireNonNull(t, op + ": " + what);
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException(schemeName + "." + op + ": " + what + " must be FLOAT32 or FLOAT64, got "
                    + t.dtype());
        }
        int[] s = t.shape();
        boolean ok = s.length == rank;
        for (int i = 0; ok && i < rank; i++) {
            ok = expected[i] < 0 || s[i] == expected[i];
        }
        if (!ok) {
            StringBuilder want = new StringBuilder("[");
            String[] names = rank == 3 ? new String[] {"B", "T", "dModel"} : new String[] {"B", "H", "T", "d"};
            for (int i = 0; i < rank; i++) {
                want.append(i == 0 ? "" : ", ").append(expected[i] < 0 ? names[i] : String.valueOf(expected[i]));
            }
            want.append(']');
            throw new IllegalArgumentException(schemeName + "." + op + ": " + what + " has shape " + Arrays.toString(s)
                    + ", expected " + want + " for a scheme created for dModel=" + dims.dModel() + ", heads="
                    + dims.heads() + ", headDim=" + dims.headDim());
        }
    }

    private Tensor checkResult(String op, Tensor out, int[] expected) {
        if (out == null || !Arrays.equals(out.shape(), expected)) {
            throw new IllegalStateException(schemeName + " (" + getClass().getName() + ")." + op + " returned "
                    + (out == null ? "null" : "shape " + Arrays.toString(out.shape())) + ", expected "
                    + Arrays.toString(expected) + "; this is a bug in the scheme");
        }
        return out;
    }
}
