package dev.heed.rl.spi;

import org.apiguardian.api.API;

/**
 * How the trainer collects data for an optimizer: {@code nSteps} steps per env between updates,
 * GAE with discount {@code gamma} and smoothing {@code gaeLambda} (SB3's {@code n_steps},
 * {@code gamma}, {@code gae_lambda}).
 *
 * @param nSteps steps per env per rollout, ≥ 1
 * @param gamma discount in [0, 1]
 * @param gaeLambda GAE λ in [0, 1] (1 gives Monte-Carlo returns bootstrapped at the rollout end)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record RolloutSettings(int nSteps, double gamma, double gaeLambda) {

    /** @throws IllegalArgumentException when a value is out of range */
    public RolloutSettings {
        if (nSteps < 1) {
            throw new IllegalArgumentException("RolloutSettings: nSteps must be >= 1, got " + nSteps);
        }
        if (!(gamma >= 0 && gamma <= 1)) {
            throw new IllegalArgumentException("RolloutSettings: gamma must be in [0, 1], got " + gamma);
        }
        if (!(gaeLambda >= 0 && gaeLambda <= 1)) {
            throw new IllegalArgumentException("RolloutSettings: gaeLambda must be in [0, 1], got " + gaeLambda);
        }
    }
}
