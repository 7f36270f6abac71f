package dev.heed.positional.internal;

import dev.heed.core.Tensor;
import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import dev.heed.positional.spi.PositionalDims;
import dev.heed.positional.spi.PositionalFactory;
import dev.heed.positional.spi.PositionalProvider;
import dev.heed.positional.spi.PositionalScheme;
import java.util.List;
import org.apiguardian.api.API;

/**
 * {@code sinusoidal}: Vaswani et al. (2017) fixed absolute encodings added to the token embeddings,
 * {@code PE(pos, 2i) = sin(pos / base^(2i/d))}, {@code PE(pos, 2i+1) = cos(pos / base^(2i/d))}.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SinusoidalProvider implements PositionalProvider {

    /** Creates the provider (ServiceLoader). */
    public SinusoidalProvider() {}

    @Override
    public String name() {
        return "sinusoidal";
    }

    @Override
    public String description() {
        return "fixed sine/cosine absolute encodings added to the embeddings (Vaswani et al. 2017)";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(OptionSpec.ofDouble("base", 10000.0, "wavelength base: dimension pair i has period 2π·base^(2i/d)")
                .greaterThan(1));
    }

    @Override
    public PositionalFactory create(Options options) {
        double base = options.getDouble("base");
        return (dims, rng) -> new Sinusoidal(dims, base);
    }

    /** The scheme. */
    static final class Sinusoidal extends PositionalScheme {
        private final double base;

        Sinusoidal(PositionalDims dims, double base) {
            super("sinusoidal", dims);
            this.base = base;
        }

        @Override
        public boolean actsOnEmbeddings() {
            return true;
        }

        @Override
        protected Tensor applyToEmbeddings(Tensor x, int offset) {
            int t = x.size(1);
            int d = dims().dModel();
            double[] pe = new double[t * d];
            for (int p = 0; p < t; p++) {
                double pos = offset + p;
                for (int c = 0; c < d; c++) {
                    int pair = c / 2;
                    double angle = pos / Math.pow(base, 2.0 * pair / d);
                    pe[p * d + c] = (c % 2 == 0) ? Math.sin(angle) : Math.cos(angle);
                }
            }
            return x.add(Tables.constant(pe, x.dtype(), t, d));
        }

        @Override
        protected String extraRepr() {
            return super.extraRepr() + " base=" + base;
        }
    }
}
