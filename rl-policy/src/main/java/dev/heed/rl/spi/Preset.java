package dev.heed.rl.spi;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apiguardian.api.API;

/**
 * Tuned hyperparameters for one (algorithm, environment) pair, as {@code key=value} text.
 *
 * <p>Keys are the optimizer's option names (camelCase, e.g. {@code nSteps}, {@code entCoef}) or
 * trainer keys ({@code nEnvs}, {@code nTimesteps}, {@code netArch} like {@code 64,64},
 * {@code activation} {@code tanh|relu}, {@code orthoInit}, {@code sharedTrunk}, {@code logStdInit},
 * {@code normalize}, {@code normalizeReward}, {@code squash}); see {@code docs/rl.md}. Values are
 * parsed like command-line overrides.
 *
 * @param algorithm the optimizer's provider name, e.g. {@code a2c}
 * @param env the environment id, e.g. {@code CartPole-v1}
 * @param values key to value text; copied, ordered by key
 * @param source where the values come from (e.g. {@code rl-baselines3-zoo hyperparams/a2c.yml})
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record Preset(String algorithm, String env, Map<String, String> values, String source) {

    /** @throws NullPointerException if an argument is null */
    public Preset {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(source, "source");
        values = java.util.Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(values, "values")));
    }
}
