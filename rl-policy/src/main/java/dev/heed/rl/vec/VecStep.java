package dev.heed.rl.vec;

import org.apiguardian.api.API;

/**
 * The result of {@link VectorEnv#step(double[][])} for {@code n} envs, indexed by env.
 *
 * <p>Auto-reset happens in the same step (Stable-Baselines3's convention): where env {@code i}'s
 * episode ended, {@code observations[i]} is already the first observation of the next episode, and
 * {@code finalObservations[i]} is the last observation of the finished one (null where the episode
 * goes on). On truncation bootstrap with γ·V(finalObservations[i]); on termination do not.
 *
 * @param observations {@code [n][obsDim]}: the observation to act on next
 * @param rewards {@code [n]}
 * @param terminated {@code [n]}: the finished episode reached a terminal state
 * @param truncated {@code [n]}: the finished episode was cut short (e.g. by the time limit)
 * @param finalObservations {@code [n]}: the last observation of a finished episode, or null
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record VecStep(double[][] observations, double[] rewards, boolean[] terminated, boolean[] truncated,
        double[][] finalObservations) {

    /**
     * @param i env index
     * @return whether env {@code i}'s episode ended in this step (and it was reset)
     */
    public boolean done(int i) {
        return terminated[i] || truncated[i];
    }

    /** @return the number of envs */
    public int numEnvs() {
        return rewards.length;
    }
}
