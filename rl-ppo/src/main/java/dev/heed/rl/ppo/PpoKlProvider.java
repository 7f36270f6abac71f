package dev.heed.rl.ppo;

import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import dev.heed.rl.ppo.internal.Ppo;
import dev.heed.rl.ppo.internal.PpoSettings;
import dev.heed.rl.spi.PolicyOptimizer;
import dev.heed.rl.spi.PolicyOptimizerProvider;
import dev.heed.rl.spi.Preset;
import java.util.List;
import org.apiguardian.api.API;

/**
 * {@code ppo-kl}: PPO with the adaptive KL penalty {@code L = E[r·A − β·KL(π_old ‖ π_θ)]}; after
 * each update with mean KL {@code d}, {@code β} halves if {@code d < klTarget/1.5} and doubles if
 * {@code d > 1.5·klTarget} (Schulman et al. 2017, section 4). Other options as {@code ppo-clip}.
 *
 * <p>Thread-safe: {@link #create} returns a new, unattached optimizer.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class PpoKlProvider implements PolicyOptimizerProvider {

    /** Creates the provider (ServiceLoader). */
    public PpoKlProvider() {}

    @Override
    public String name() {
        return "ppo-kl";
    }

    @Override
    public String description() {
        return "PPO with the adaptive KL penalty (Schulman et al. 2017, section 4)";
    }

    @Override
    public List<OptionSpec> options() {
        return PpoSettings.options(true);
    }

    @Override
    public PolicyOptimizer create(Options options) {
        return new Ppo(PpoSettings.from(options, true), true);
    }

    @Override
    public List<Preset> presets() {
        return PpoPresets.kl();
    }
}
