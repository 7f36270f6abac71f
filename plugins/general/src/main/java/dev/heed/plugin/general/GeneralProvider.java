package dev.heed.plugin.general;

import dev.heed.attention.spi.SimilarityFactory;
import dev.heed.attention.spi.SimilarityProvider;
import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Provides {@code general}: Luong et al. (2015)'s bilinear score {@code q·W·k}, by default divided
 * by √d like {@code scaled-dot}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class GeneralProvider implements SimilarityProvider {

    /** For ServiceLoader. */
    public GeneralProvider() {}

    @Override
    public String name() {
        return "general";
    }

    @Override
    public String description() {
        return "Luong 'general' bilinear score q W k^T with a learned d x d matrix";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.ofBoolean("scaled", true, "divide the scores by sqrt(d) (true) or not"),
                OptionSpec.ofDouble("init", 0.02, "W starts as I + U(-init, init)").atLeast(0));
    }

    @Override
    public SimilarityFactory create(Options options) {
        boolean scaled = options.getBoolean("scaled");
        double init = options.getDouble("init");
        return ctx -> new GeneralSimilarity(ctx.headDim(), scaled ? 1 / Math.sqrt(ctx.headDim()) : 1.0, init, ctx.dtype(),
                ctx.rng());
    }
}
