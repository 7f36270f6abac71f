package dev.heed.rl.spi;

import dev.heed.core.spi.PluginProvider;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Service-provider interface for policy optimizers: a stable {@link #name()} ({@code a2c},
 * {@code ppo-clip}, {@code trpo}, …), documented {@link #options()} and a factory
 * ({@link #create(dev.heed.core.spi.Options)} returns an unattached {@link PolicyOptimizer}).
 *
 * <p>Options use Stable-Baselines3's hyperparameter names in camelCase with SB3's defaults
 * ({@code learning_rate} → {@code learningRate}, {@code n_steps} → {@code nSteps}, {@code gae_lambda}
 * → {@code gaeLambda}, {@code ent_coef} → {@code entCoef}, …). Every provider must declare
 * {@code nSteps}, {@code gamma} and {@code gaeLambda}, which become
 * {@link PolicyOptimizer#rolloutSettings()}.
 *
 * <p>Register the implementation in
 * {@code META-INF/services/dev.heed.rl.spi.PolicyOptimizerProvider} (and {@code provides} in a
 * module descriptor). Providers may contribute tuned {@link #presets()}.
 *
 * <pre>{@code
 * public final class PpoClipProvider implements PolicyOptimizerProvider {
 *     public String name() { return "ppo-clip"; }
 *     public String description() { return "PPO with the clipped surrogate objective"; }
 *     public List<OptionSpec> options() { return List.of(OptionSpec.ofInt("nSteps", 2048, "..."), ...); }
 *     public PolicyOptimizer create(Options o) { return new PpoClip(o); }
 *     public List<Preset> presets() { return List.of(new Preset("ppo-clip", "CartPole-v1", Map.of(...), "zoo")); }
 * }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface PolicyOptimizerProvider extends PluginProvider<PolicyOptimizer> {

    /**
     * Tuned settings this provider contributes, keyed by (its name, env id). The list must be the
     * same on every call.
     *
     * @return presets, empty by default
     */
    default List<Preset> presets() {
        return List.of();
    }
}
