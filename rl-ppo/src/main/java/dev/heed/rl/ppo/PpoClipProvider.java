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
 * {@code ppo-clip}: PPO with the clipped surrogate
 * {@code L = E[min(r·A, clip(r, 1−ε, 1+ε)·A)]}, Stable-Baselines3's {@code PPO} with its option
 * names (camelCase) and defaults. Registered through {@code META-INF/services}.
 *
 * <p>Thread-safe: {@link #create} returns a new, unattached optimizer.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class PpoClipProvider implements PolicyOptimizerProvider {

    /** Creates the provider (ServiceLoader). */
    public PpoClipProvider() {}

    @Override
    public String name() {
        return "ppo-clip";
    }

    @Override
    public String description() {
        return "PPO with the clipped surrogate objective (Stable-Baselines3 PPO)";
    }

    @Override
    public List<OptionSpec> options() {
        return PpoSettings.options(false);
    }

    @Override
    public PolicyOptimizer create(Options options) {
        return new Ppo(PpoSettings.from(options, false), false);
    }

    @Override
    public List<Preset> presets() {
        return PpoPresets.clip();
    }
}
