package dev.heed.positional.internal;

import dev.heed.core.spi.Options;
import dev.heed.positional.spi.PositionalDims;
import dev.heed.positional.spi.PositionalFactory;
import dev.heed.positional.spi.PositionalProvider;
import dev.heed.positional.spi.PositionalScheme;
import org.apiguardian.api.API;

/** {@code none}: no position information at all (attention is then permutation-equivariant). */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class NoneProvider implements PositionalProvider {

    /** Creates the provider (ServiceLoader). */
    public NoneProvider() {}

    @Override
    public String name() {
        return "none";
    }

    @Override
    public String description() {
        return "no positional information (attention sees a bag of tokens)";
    }

    @Override
    public PositionalFactory create(Options options) {
        return (dims, rng) -> new NoneScheme(dims);
    }

    /** The scheme: every hook is the default no-op. */
    static final class NoneScheme extends PositionalScheme {
        NoneScheme(PositionalDims dims) {
            super("none", dims);
        }
    }
}
