package dev.heed.plugin.alibi;

import dev.heed.core.spi.Options;
import dev.heed.positional.spi.PositionalFactory;
import dev.heed.positional.spi.PositionalProvider;
import org.apiguardian.api.API;

/**
 * {@code alibi}: attention with linear biases (Press, Smith and Lewis, 2022). Head {@code h} adds
 * {@code −m_h · |i − j|} to its scores, with fixed geometric slopes {@link Alibi#slopes(int)}.
 * No parameters, no options, no length limit.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class AlibiProvider implements PositionalProvider {

    /** Creates the provider (ServiceLoader). */
    public AlibiProvider() {}

    @Override
    public String name() {
        return "alibi";
    }

    @Override
    public String description() {
        return "fixed per-head linear distance penalties -m_h·|i-j| on the scores, geometric slopes (Press et al. 2022)";
    }

    @Override
    public PositionalFactory create(Options options) {
        return (dims, rng) -> new Alibi(dims);
    }
}
