package dev.heed.core.plugin.fake;

import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import java.util.List;

/** "scaled-dot": q * k * scale, with a strictly positive scale. */
public final class DotScorerProvider implements ScorerProvider {
    @Override
    public String name() {
        return "scaled-dot";
    }

    @Override
    public String description() {
        return "product of q and k times a positive scale";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(OptionSpec.ofDouble("scale", 1.0, "factor applied to q*k").greaterThan(0));
    }

    @Override
    public Scorer create(Options o) {
        double scale = o.getDouble("scale");
        return (q, k) -> q * k * scale;
    }
}
