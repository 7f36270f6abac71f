package dev.heed.plugin.general;

import dev.heed.attention.spi.Similarity;
import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.init.Init;
import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * Luong's "general" score {@code q W kᵀ · scale} with a trainable {@code W [d, d]} shared by all
 * heads. {@code W} starts as the identity plus U(−a, a) noise ({@code a = init}), so an untrained
 * layer scores like a (scaled) dot product.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class GeneralSimilarity extends Module implements Similarity {

    private final int dim;
    private final double scale;

    /**
     * @param dim query/key size d
     * @param scale fixed factor on the scores
     * @param init half-width of the uniform noise added to the identity
     * @param dtype parameter dtype
     * @param rng generator for the noise
     */
    public GeneralSimilarity(int dim, double scale, double init, DType dtype, Rng rng) {
        this.dim = dim;
        this.scale = scale;
        Tensor noise = Init.uniform(Tensor.zeros(dtype, dim, dim), -init, init, rng);
        registerParameter("w", Tensor.eye(dtype, dim).add(noise).detach());
    }

    @Override
    public Tensor score(Tensor q, Tensor k) {
        if (q.dim() < 2 || k.dim() < 2 || q.size(q.dim() - 1) != dim || k.size(k.dim() - 1) != dim) {
            throw new IllegalArgumentException("general: q " + Arrays.toString(q.shape()) + " and k " + Arrays.toString(k.shape())
                    + " must be [..., T, " + dim + "] (this similarity was created for d = " + dim + ")");
        }
        Tensor s = q.matmul(param("w")).matmul(k.mT());
        return scale == 1.0 ? s : s.mul(scale);
    }

    @Override
    protected String extraRepr() {
        return "GeneralSimilarity(d=" + dim + ", scale=" + scale + ")";
    }
}
