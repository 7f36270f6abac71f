package dev.heed.attention.internal;

import dev.heed.attention.spi.SimilarityFactory;
import dev.heed.attention.spi.SimilarityProvider;
import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import java.util.List;
import org.apiguardian.api.API;

/** Built-in {@code additive} (Bahdanau et al. 2015): {@code vᵀ tanh(W_q q + W_k k + b)}. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AdditiveProvider implements SimilarityProvider {

    /** For ServiceLoader. */
    public AdditiveProvider() {}

    @Override
    public String name() {
        return "additive";
    }

    @Override
    public String description() {
        return "Bahdanau additive score v^T tanh(W_q q + W_k k + b)";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.ofInt("hidden", 0, "hidden size of the tanh layer; 0 means d_k").atLeast(0),
                OptionSpec.ofInt("chunkMiB", 128, "largest [.., rows, Tk, hidden] float chunk, MiB").atLeast(1));
    }

    @Override
    public SimilarityFactory create(Options options) {
        int hidden = options.getInt("hidden");
        long chunk = (long) options.getInt("chunkMiB") << 18; // MiB / 4 bytes
        return ctx -> new AdditiveSimilarity(ctx.headDim(), hidden == 0 ? ctx.headDim() : hidden, ctx.dtype(), ctx.rng(),
                chunk);
    }
}
