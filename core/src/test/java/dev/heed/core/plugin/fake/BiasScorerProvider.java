package dev.heed.core.plugin.fake;

import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import java.util.List;

/** "relative-bias": q * k + bias, with a required, bounded distance option. */
public final class BiasScorerProvider implements ScorerProvider {
    @Override
    public String name() {
        return "relative-bias";
    }

    @Override
    public String description() {
        return "product of q and k plus a bias";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.ofInt("maxDistance", 32, "largest distance with its own bias").range(1, 4096),
                OptionSpec.ofDouble("bias", 0.0, "added to every score"));
    }

    @Override
    public Scorer create(Options o) {
        double bias = o.getDouble("bias");
        return (q, k) -> q * k + bias;
    }
}
