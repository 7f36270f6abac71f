package dev.heed.plugin.rope;

import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import dev.heed.positional.spi.PositionalFactory;
import dev.heed.positional.spi.PositionalProvider;
import java.util.List;
import org.apiguardian.api.API;

/**
 * {@code rope}: rotary position embedding (Su et al., RoFormer, 2021). Queries and keys are split
 * into pairs of dimensions; pair {@code i} of the vector at position {@code p} is rotated by the
 * angle {@code p · θ_i}, {@code θ_i = base^(−2i/d)}. Since rotations compose, {@code q_m · k_n}
 * after rotation depends on the positions only through {@code n − m}.
 *
 * <p>Options: {@code base} (default 10000) and {@code pairing}: {@code interleaved} pairs
 * dimensions (2i, 2i+1) as in the paper; {@code half} pairs (i, i + d/2) as GPT-NeoX and LLaMA
 * implementations do. The head dimension must be even.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class RopeProvider implements PositionalProvider {

    /** Creates the provider (ServiceLoader). */
    public RopeProvider() {}

    @Override
    public String name() {
        return "rope";
    }

    @Override
    public String description() {
        return "rotary position embedding: rotates q and k by position-dependent angles (Su et al. 2021)";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.ofDouble("base", 10000.0, "frequency base: pair i turns by base^(-2i/d) radians per position")
                        .greaterThan(1),
                OptionSpec.ofEnum("pairing", "interleaved", "which dimensions form a rotated pair: interleaved (2i, 2i+1), "
                        + "as in the paper, or half (i, i+d/2)", List.of("interleaved", "half")));
    }

    @Override
    public PositionalFactory create(Options options) {
        double base = options.getDouble("base");
        boolean half = options.getString("pairing").equals("half");
        return (dims, rng) -> new Rope(dims, base, half);
    }
}
