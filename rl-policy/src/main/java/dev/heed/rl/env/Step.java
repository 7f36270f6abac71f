package dev.heed.rl.env;

import org.apiguardian.api.API;

/**
 * The result of {@link Env#step(double[])}, as Gymnasium's {@code (obs, reward, terminated, truncated)}.
 *
 * <p>{@code terminated} means the task reached a terminal state (do not bootstrap the value);
 * {@code truncated} means the episode was cut short, e.g. by a time limit (bootstrap with
 * γ·V(observation)). Both may be true at once. The observation array belongs to the caller.
 *
 * @param observation the observation after the step
 * @param reward the reward for this transition
 * @param terminated whether a terminal state was reached
 * @param truncated whether the episode was cut short (time limit or similar)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record Step(double[] observation, double reward, boolean terminated, boolean truncated) {

    /** @return {@code terminated || truncated}: the episode is over and the env must be reset */
    public boolean done() {
        return terminated || truncated;
    }
}
