package dev.heed.attention.internal;

import dev.heed.attention.spi.Similarity;
import dev.heed.core.Tensor;
import dev.heed.core.nn.Module;
import org.apiguardian.api.API;

/**
 * {@code scale · q·k / (‖q‖ ‖k‖)} with {@code ‖x‖ = sqrt(Σx² + eps²)}; the scale is a trainable
 * scalar parameter or a fixed buffer.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class CosineSimilarity extends Module implements Similarity {

    private final boolean learn;
    private final double eps;

    /**
     * @param scale initial (or fixed) scale
     * @param learn whether the scale is trained
     * @param eps norm guard
     * @param dtype parameter dtype
     */
    public CosineSimilarity(double scale, boolean learn, double eps, dev.heed.core.DType dtype) {
        this.learn = learn;
        this.eps = eps;
        Tensor s = Tensor.full(dtype, scale, 1);
        if (learn) {
            registerParameter("scale", s);
        } else {
            registerBuffer("scale", s);
        }
    }

    /** @return the current scale tensor [1] */
    public Tensor scale() {
        return learn ? param("scale") : buffer("scale");
    }

    @Override
    public Tensor score(Tensor q, Tensor k) {
        Shapes.checkQk("cosine", q, k);
        Tensor qn = q.div(q.mul(q).sum(-1, true).add(eps * eps).sqrt());
        Tensor kn = k.div(k.mul(k).sum(-1, true).add(eps * eps).sqrt());
        return qn.matmul(kn.mT()).mul(scale());
    }

    @Override
    protected String extraRepr() {
        return "CosineSimilarity(learnScale=" + learn + ", eps=" + eps + ")";
    }
}
