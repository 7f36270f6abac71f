package dev.heed.attention.internal;

import dev.heed.attention.spi.Similarity;
import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.init.Init;
import org.apiguardian.api.API;

/**
 * Bahdanau's additive score {@code vᵀ tanh(W_q q + W_k k + b)} with hidden size {@code h}:
 * parameters {@code wq [h, d]}, {@code wk [h, d]}, {@code b [h]}, {@code v [h]}, shared by all
 * heads. The {@code [..., Tq, Tk, h]} intermediate is built in chunks of query rows so that no
 * chunk exceeds {@link #chunkElements} elements.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AdditiveSimilarity extends Module implements Similarity {

    /** Largest number of elements of one {@code [..., c, Tk, h]} chunk (32 Mi, 128 MiB in float32). */
    public static final long DEFAULT_CHUNK_ELEMENTS = 1L << 25;

    private final int hidden;
    private final int dim;
    private final long chunkElements;

    /**
     * @param dim query/key size d
     * @param hidden hidden size h
     * @param dtype parameter dtype
     * @param rng initial values: U(-1/√d, 1/√d) for wq, wk; U(-1/√h, 1/√h) for v; zeros for b
     * @param chunkElements largest chunk, elements
     */
    public AdditiveSimilarity(int dim, int hidden, DType dtype, Rng rng, long chunkElements) {
        this.dim = dim;
        this.hidden = hidden;
        this.chunkElements = chunkElements;
        double bd = 1.0 / Math.sqrt(dim);
        double bh = 1.0 / Math.sqrt(hidden);
        registerParameter("wq", Init.uniform(Tensor.zeros(dtype, hidden, dim), -bd, bd, rng));
        registerParameter("wk", Init.uniform(Tensor.zeros(dtype, hidden, dim), -bd, bd, rng));
        registerParameter("b", Tensor.zeros(dtype, hidden));
        registerParameter("v", Init.uniform(Tensor.zeros(dtype, hidden), -bh, bh, rng));
    }

    /** @return the largest chunk in elements */
    public long chunkElements() {
        return chunkElements;
    }

    @Override
    public Tensor score(Tensor q, Tensor k) {
        int d = Shapes.checkQk("additive", q, k);
        if (d != dim) {
            throw new IllegalArgumentException("additive: q and k have " + d + " features but this similarity was built for "
                    + dim + "; create it with SimilarityContext.headDim = " + d);
        }
        if (q.dtype() != param("v").dtype()) {
            throw new IllegalArgumentException("additive: inputs are " + q.dtype() + " but the parameters are "
                    + param("v").dtype() + "; convert the module with .to(" + q.dtype() + ")");
        }
        Tensor qp = q.matmul(param("wq").mT()).add(param("b")); // [..., Tq, h]
        Tensor kp = k.matmul(param("wk").mT()).unsqueeze(-3);     // [..., 1, Tk, h]
        Tensor v = param("v");
        int tq = q.size(q.dim() - 2);
        int tk = k.size(k.dim() - 2);
        long lead = Math.max(qp.numel() / Math.max(1L, (long) tq * hidden),
                kp.numel() / Math.max(1L, (long) tk * hidden));
        long perRow = (long) tk * hidden * Math.max(1, lead);
        int rows = (int) Math.max(1, Math.min(tq, chunkElements / Math.max(1, perRow)));
        if (rows >= tq) {
            return qp.unsqueeze(-2).add(kp).tanh().matmul(v);
        }
        Tensor out = null;
        for (int start = 0; start < tq; start += rows) {
            int c = Math.min(rows, tq - start);
            Tensor sel = Rows.selector(q.dtype(), start, c, tq);      // [c, Tq]
            Tensor part = sel.matmul(qp).unsqueeze(-2).add(kp).tanh().matmul(v); // [..., c, Tk]
            Tensor placed = sel.mT().matmul(part);                    // [..., Tq, Tk]
            out = out == null ? placed : out.add(placed);
        }
        return out;
    }

    @Override
    protected String extraRepr() {
        return "AdditiveSimilarity(dim=" + dim + ", hidden=" + hidden + ")";
    }
}
