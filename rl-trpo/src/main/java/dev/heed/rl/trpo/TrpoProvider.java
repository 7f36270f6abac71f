package dev.heed.rl.trpo;

import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import dev.heed.rl.spi.PolicyOptimizer;
import dev.heed.rl.spi.PolicyOptimizerProvider;
import dev.heed.rl.spi.Preset;
import dev.heed.rl.trpo.internal.Trpo;
import dev.heed.rl.trpo.internal.TrpoSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * {@code trpo}: Trust Region Policy Optimization with sb3-contrib's option names (camelCase) and
 * defaults — natural gradient by conjugate gradient on exact Fisher-vector products, a maximal step
 * {@code √(2δ / sᵀFs)}, a backtracking line search accepting only KL &lt; δ with an improved
 * surrogate, and a critic fitted with Adam. Registered through {@code META-INF/services}.
 *
 * <p>Thread-safe: {@link #create} returns a new, unattached optimizer.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class TrpoProvider implements PolicyOptimizerProvider {

    private static final String ZOO = "rl-baselines3-zoo hyperparams/trpo.yml";

    /** Creates the provider (ServiceLoader). */
    public TrpoProvider() {}

    @Override
    public String name() {
        return "trpo";
    }

    @Override
    public String description() {
        return "Trust Region Policy Optimization (sb3-contrib TRPO): conjugate gradient on exact Fisher-vector products";
    }

    @Override
    public List<OptionSpec> options() {
        return TrpoSettings.options();
    }

    @Override
    public PolicyOptimizer create(Options options) {
        return new Trpo(TrpoSettings.from(options));
    }

    @Override
    public List<Preset> presets() {
        Map<String, String> cart = new LinkedHashMap<>();
        cart.put("nEnvs", "2");
        cart.put("nTimesteps", "100000");
        cart.put("nSteps", "512");
        cart.put("batchSize", "512");
        cart.put("cgDamping", "0.001");
        cart.put("gaeLambda", "0.98");
        cart.put("gamma", "0.99");
        cart.put("learningRate", "0.001");
        cart.put("nCriticUpdates", "20");
        Map<String, String> pend = new LinkedHashMap<>();
        // The zoo adds gSDE (use_sde, sde_sample_freq 4); Heed uses the plain diagonal Gaussian.
        pend.put("nEnvs", "2");
        pend.put("nTimesteps", "100000");
        pend.put("nSteps", "1024");
        pend.put("gamma", "0.9");
        pend.put("nCriticUpdates", "15");
        return List.of(new Preset("trpo", "CartPole-v1", cart, ZOO),
                new Preset("trpo", "Pendulum-v1", pend, ZOO + " (without gSDE)"));
    }
}
