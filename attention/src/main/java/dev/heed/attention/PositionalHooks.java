package dev.heed.attention;

import dev.heed.core.Tensor;
import dev.heed.core.nn.Module;
import java.util.function.UnaryOperator;
import org.apiguardian.api.API;

/**
 * What a positional scheme does inside one attention layer. Queries occupy absolute positions
 * {@code offset .. offset + Tq - 1} (offset = number of cached positions) and keys
 * {@code 0 .. Tk - 1}. Every method has a do-nothing default.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface PositionalHooks {

    /** No positional information inside attention. */
    PositionalHooks NONE = new PositionalHooks() { };

    /**
     * Transforms queries and keys before scoring (rotary schemes).
     *
     * @param q {@code [B, H, Tq, d]}
     * @param k the new keys {@code [B, H, Tk_new, d]}
     * @param qOffset absolute position of the first query
     * @param kOffset absolute position of the first new key
     * @return {@code {q', k'}}
     */
    default Tensor[] rotate(Tensor q, Tensor k, int qOffset, int kOffset) {
        return new Tensor[] {q, k};
    }

    /**
     * @param q queries {@code [B, H, Tq, d]} (after {@link #rotate})
     * @param keys total number of keys Tk
     * @param queryOffset absolute position of the first query
     * @return a differentiable term broadcastable to {@code [B, H, Tq, Tk]} added to the scores, or null
     */
    default Tensor scoreTerm(Tensor q, int keys, int queryOffset) {
        return null;
    }

    /**
     * @param keys total number of keys Tk
     * @param queryOffset absolute position of the first query
     * @return a map from the weights {@code [B, H, Tq, Tk]} to a term added to the output, or null
     */
    default UnaryOperator<Tensor> valueTerm(int keys, int queryOffset) {
        return null;
    }

    /** @return the module owning the hooks' parameters, or null */
    default Module module() {
        return null;
    }
}
