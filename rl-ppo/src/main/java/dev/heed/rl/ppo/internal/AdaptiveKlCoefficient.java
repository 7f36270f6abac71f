package dev.heed.rl.ppo.internal;

import org.apiguardian.api.API;

/**
 * The adaptive KL-penalty coefficient of PPO (Schulman et al. 2017, section 4): after each policy
 * update with mean KL {@code d}, {@code β ← β/2} if {@code d < d_targ/1.5} and {@code β ← 2β} if
 * {@code d > 1.5·d_targ}; otherwise β is kept.
 *
 * <p>Not thread-safe (one per optimizer).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AdaptiveKlCoefficient {

    private final double target;
    private double beta;

    /**
     * @param target the KL target d_targ, &gt; 0
     * @param initialBeta the initial β, &gt; 0
     * @throws IllegalArgumentException if either is not a positive finite number
     */
    public AdaptiveKlCoefficient(double target, double initialBeta) {
        if (!(target > 0) || Double.isInfinite(target)) {
            throw new IllegalArgumentException("ppo-kl: kl_target is " + target + "; expected a positive number such as 0.01");
        }
        if (!(initialBeta > 0) || Double.isInfinite(initialBeta)) {
            throw new IllegalArgumentException("ppo-kl: kl_beta is " + initialBeta + "; expected a positive number such as 1.0");
        }
        this.target = target;
        this.beta = initialBeta;
    }

    /** @return the current β */
    public double beta() {
        return beta;
    }

    /** @param beta restores β (e.g. from a checkpoint), &gt; 0 */
    public void setBeta(double beta) {
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("ppo-kl: β is " + beta + "; expected a positive finite number");
        }
        this.beta = beta;
    }

    /** @return d_targ */
    public double target() {
        return target;
    }

    /**
     * Applies the rule after an update.
     *
     * @param meanKl the mean KL(old ‖ new) measured after the update; NaN leaves β unchanged
     * @return the new β
     */
    public double update(double meanKl) {
        if (meanKl < target / 1.5) {
            beta /= 2;
        } else if (meanKl > target * 1.5) {
            beta *= 2;
        }
        return beta;
    }
}
