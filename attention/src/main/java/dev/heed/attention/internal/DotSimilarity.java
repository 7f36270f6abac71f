package dev.heed.attention.internal;

import dev.heed.attention.spi.Similarity;
import dev.heed.core.Tensor;
import java.util.OptionalDouble;
import org.apiguardian.api.API;

/** {@code q kᵀ} times a fixed factor (1 for {@code dot}, 1/√d for {@code scaled-dot}). */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class DotSimilarity implements Similarity {

    private final String name;
    private final double scale;

    /**
     * @param name provider name for messages
     * @param scale the fixed factor
     */
    public DotSimilarity(String name, double scale) {
        this.name = name;
        this.scale = scale;
    }

    @Override
    public Tensor score(Tensor q, Tensor k) {
        Shapes.checkQk(name, q, k);
        Tensor s = q.matmul(k.mT());
        return scale == 1.0 ? s : s.mul(scale);
    }

    @Override
    public OptionalDouble dotProductScale() {
        return OptionalDouble.of(scale);
    }

    @Override
    public String toString() {
        return name + "(scale=" + scale + ")";
    }
}
