package dev.heed.positional.internal;

import dev.heed.core.Tensor;
import dev.heed.core.Rng;
import dev.heed.core.nn.init.Init;
import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import dev.heed.positional.spi.PositionalDims;
import dev.heed.positional.spi.PositionalFactory;
import dev.heed.positional.spi.PositionalProvider;
import dev.heed.positional.spi.PositionalScheme;
import java.util.List;
import org.apiguardian.api.API;

/**
 * {@code learned}: one trainable vector per absolute position (as in BERT and GPT-2), added to the
 * token embeddings; positions at or beyond {@code maxLength} are an error.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class LearnedProvider implements PositionalProvider {

    /** Creates the provider (ServiceLoader). */
    public LearnedProvider() {}

    @Override
    public String name() {
        return "learned";
    }

    @Override
    public String description() {
        return "a trainable vector per absolute position, added to the embeddings (limited to maxLength)";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.ofInt("maxLength", 512, "number of positions with a vector (longer sequences are an error)")
                        .range(1, 1 << 20),
                OptionSpec.ofDouble("initStd", 0.02, "standard deviation of the N(0, σ²) initial values").atLeast(0));
    }

    @Override
    public PositionalFactory create(Options options) {
        int maxLength = options.getInt("maxLength");
        double std = options.getDouble("initStd");
        return (dims, rng) -> new Learned(dims, maxLength, std, rng);
    }

    /** The scheme: parameter {@code table} [maxLength, dModel]. */
    static final class Learned extends PositionalScheme {
        private final int maxLength;

        Learned(PositionalDims dims, int maxLength, double std, Rng rng) {
            super("learned", dims);
            this.maxLength = maxLength;
            registerParameter("table", Init.normal(Tensor.zeros(maxLength, dims.dModel()), 0.0, std, rng));
        }

        @Override
        public int maxLength() {
            return maxLength;
        }

        @Override
        public boolean actsOnEmbeddings() {
            return true;
        }

        @Override
        protected Tensor applyToEmbeddings(Tensor x, int offset) {
            int t = x.size(1);
            Tensor rows = param("table").narrow(0, offset, t);
            return x.add(rows.dtype() == x.dtype() ? rows : rows.to(x.dtype()));
        }
    }
}
