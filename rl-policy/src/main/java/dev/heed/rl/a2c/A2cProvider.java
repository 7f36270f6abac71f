package dev.heed.rl.a2c;

import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import dev.heed.rl.spi.PolicyOptimizer;
import dev.heed.rl.spi.PolicyOptimizerProvider;
import dev.heed.rl.spi.Preset;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * The built-in {@code a2c} policy optimizer: Stable-Baselines3's A2C with its defaults and the
 * rl-baselines3-zoo presets for the built-in environments.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class A2cProvider implements PolicyOptimizerProvider {

    private static final String ZOO = "rl-baselines3-zoo hyperparams/a2c.yml";

    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.ofDouble("learningRate", 7e-4, "learning rate (SB3 learning_rate)").atLeast(0),
            OptionSpec.ofEnum("learningRateSchedule", "constant",
                    "constant, or linear decay to 0 over the run (the zoo's lin_<lr>)", List.of("constant", "linear")),
            OptionSpec.ofInt("nSteps", 5, "steps per env per update (SB3 n_steps)").atLeast(1),
            OptionSpec.ofDouble("gamma", 0.99, "discount factor").range(0, 1),
            OptionSpec.ofDouble("gaeLambda", 1.0, "GAE lambda; 1 = n-step returns (SB3 gae_lambda)").range(0, 1),
            OptionSpec.ofDouble("entCoef", 0.0, "entropy bonus beta (SB3 ent_coef)").atLeast(0),
            OptionSpec.ofDouble("vfCoef", 0.5, "value-loss weight (SB3 vf_coef)").atLeast(0),
            OptionSpec.ofDouble("maxGradNorm", 0.5, "global gradient-norm clip (SB3 max_grad_norm)").greaterThan(0),
            OptionSpec.ofBoolean("useRmsProp", true, "RMSprop (true, SB3's default) or Adam with eps 1e-5"),
            OptionSpec.ofDouble("rmsPropAlpha", 0.99, "RMSprop smoothing constant alpha").range(0, 0.999999),
            OptionSpec.ofDouble("rmsPropEps", 1e-5, "RMSprop epsilon (SB3 rms_prop_eps)").greaterThan(0),
            OptionSpec.ofBoolean("normalizeAdvantage", false, "normalise advantages over the batch (SB3 normalize_advantage)"));

    /** Creates the provider (ServiceLoader). */
    public A2cProvider() {}

    @Override
    public String name() {
        return "a2c";
    }

    @Override
    public String description() {
        return "advantage actor-critic (Stable-Baselines3's A2C): one RMSprop step per rollout with an entropy bonus";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public PolicyOptimizer create(Options options) {
        return new dev.heed.rl.a2c.internal.A2c(options);
    }

    @Override
    public List<Preset> presets() {
        return List.of(
                new Preset("a2c", "CartPole-v1", Map.of("nEnvs", "8", "nTimesteps", "500000", "entCoef", "0.0"), ZOO),
                new Preset("a2c", "Acrobot-v1",
                        Map.of("normalize", "true", "nEnvs", "16", "nTimesteps", "500000", "entCoef", "0.0"), ZOO),
                new Preset("a2c", "Pendulum-v1", Map.ofEntries(Map.entry("normalize", "true"), Map.entry("nEnvs", "8"),
                        Map.entry("nTimesteps", "1000000"), Map.entry("entCoef", "0.0"), Map.entry("maxGradNorm", "0.5"),
                        Map.entry("nSteps", "8"), Map.entry("gaeLambda", "0.9"), Map.entry("vfCoef", "0.4"),
                        Map.entry("gamma", "0.99"), Map.entry("learningRate", "7e-4"), Map.entry("learningRateSchedule", "linear"),
                        Map.entry("logStdInit", "-2"), Map.entry("orthoInit", "false")),
                        ZOO + " (Pendulum entry without gSDE, which Heed does not implement)"),
                new Preset("a2c", "MountainCarContinuous-v0", Map.of("normalize", "true", "nEnvs", "4", "nSteps", "100",
                        "nTimesteps", "100000", "entCoef", "0.0", "logStdInit", "0.0", "orthoInit", "false"),
                        ZOO + " (without gSDE, which Heed does not implement)"));
    }
}
