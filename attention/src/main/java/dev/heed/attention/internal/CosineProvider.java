package dev.heed.attention.internal;

import dev.heed.attention.spi.SimilarityFactory;
import dev.heed.attention.spi.SimilarityProvider;
import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Built-in {@code cosine}: {@code s · q·k / (‖q‖ ‖k‖)}. By default {@code s} is a trainable scalar
 * initialised to √d_k: for random q, k the cosine has standard deviation about 1/√d_k, so the
 * initial scores have the same spread as {@code scaled-dot}'s, while an unscaled cosine in
 * [−1, 1] would make the softmax almost uniform.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class CosineProvider implements SimilarityProvider {

    /** For ServiceLoader. */
    public CosineProvider() {}

    @Override
    public String name() {
        return "cosine";
    }

    @Override
    public String description() {
        return "cosine of q and k times a scale (default: learnable, initialised to sqrt(d_k))";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.ofDouble("scale", 0.0, "initial (or fixed) scale; 0 means sqrt(d_k)").atLeast(0),
                OptionSpec.ofBoolean("learnScale", true, "train the scale (true) or keep it fixed (false)"),
                OptionSpec.ofDouble("eps", 1e-6, "norm guard: |x| = sqrt(sum x^2 + eps^2)").greaterThan(0));
    }

    @Override
    public SimilarityFactory create(Options options) {
        double scale = options.getDouble("scale");
        boolean learn = options.getBoolean("learnScale");
        double eps = options.getDouble("eps");
        return ctx -> new CosineSimilarity(scale == 0 ? Math.sqrt(ctx.headDim()) : scale, learn, eps, ctx.dtype());
    }
}
