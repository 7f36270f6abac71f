package dev.heed.rl.env;

import org.apiguardian.api.API;

/**
 * A Gymnasium-style environment: {@code reset(seed)} gives the first observation,
 * {@code step(action)} advances one time step.
 *
 * <p><b>Actions</b> are always a {@code double[]} in the encoding of {@link #actionSpace()} (see
 * {@link Space}): {@code double[]{k}} for {@link Discrete}, the values for {@link Box}. One action type
 * for every space keeps vector environments, wrappers, policies and rollout buffers non-generic; for
 * discrete spaces {@link #step(int)} is the natural shortcut. Observations are {@code double[]} of
 * length {@code observationSpace().flatDim()}, freshly allocated on every call (callers may keep them).
 *
 * <p><b>Contract</b> for implementations (the {@link EnvChecker} verifies it): {@code reset(seed)} with
 * the same seed gives the same episode for the same actions; {@code reset()} continues the env's own
 * random stream; {@code step} before the first reset, after an episode ended, or with an action
 * outside the space throws ({@link IllegalStateException} resp. {@link IllegalArgumentException}) with
 * a message that names the value and the fix. {@link SimulatorEnv} implements all of this for you.
 *
 * <p>Not thread-safe: one env per thread (vector envs give each copy its own thread slot).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface Env extends AutoCloseable {

    /** @return a short name used in error messages and statistics, e.g. {@code CartPole-v1} */
    String id();

    /** @return the space every observation lies in */
    Space observationSpace();

    /** @return the space every action must lie in */
    Space actionSpace();

    /**
     * Starts a new episode, reseeding the env's random stream.
     *
     * @param seed any value; equal seeds give equal episodes
     * @return the first observation
     */
    double[] reset(long seed);

    /**
     * Starts a new episode, continuing the env's random stream (seed 0 if it was never seeded).
     *
     * @return the first observation
     */
    double[] reset();

    /**
     * Advances one time step.
     *
     * @param action an element of {@link #actionSpace()}; not modified
     * @return observation, reward, terminated, truncated
     * @throws IllegalArgumentException if the action is not in the action space
     * @throws IllegalStateException if called before {@code reset} or after the episode ended
     */
    Step step(double[] action);

    /**
     * Shortcut for discrete action spaces: {@code step(new double[] {action})}.
     *
     * @param action the action index
     * @return see {@link #step(double[])}
     */
    default Step step(int action) {
        return step(new double[] {action});
    }

    /**
     * Starts a new episode from an explicit internal state (Gymnasium allows this through reset
     * options or {@code env.unwrapped.state}); used to verify dynamics step by step.
     *
     * @param state the internal state, in the layout of {@link #state()}
     * @return the observation of that state
     * @throws UnsupportedOperationException if this env has no settable state
     * @throws IllegalArgumentException if the state has the wrong length or is not finite
     */
    default double[] resetToState(double[] state) {
        throw new UnsupportedOperationException(id() + ".resetToState: this env does not expose its internal state;"
                + " only simulators such as the built-in classic-control envs do");
    }

    /**
     * @return a copy of the internal state (e.g. CartPole's {@code [x, ẋ, θ, θ̇]})
     * @throws UnsupportedOperationException if this env has no exposed state
     * @throws IllegalStateException if called before the first reset
     */
    default double[] state() {
        throw new UnsupportedOperationException(id() + ".state: this env does not expose its internal state");
    }

    /**
     * Captures the env's complete mutable state (for checkpoints): restoring it into an env of the
     * same kind and configuration continues exactly, including the random stream.
     *
     * @return the state
     * @throws UnsupportedOperationException if this env cannot be snapshotted (the default)
     */
    default EnvSnapshot snapshot() {
        throw new UnsupportedOperationException(id() + ".snapshot: this env does not support snapshots, so training"
                + " with it cannot be checkpointed mid-episode; implement snapshot()/restore() or extend SimulatorEnv");
    }

    /**
     * Restores a state captured by {@link #snapshot()}.
     *
     * @param snapshot as returned by {@code snapshot()} on an env of the same kind and configuration
     * @throws UnsupportedOperationException if this env cannot be snapshotted (the default)
     * @throws IllegalArgumentException if the snapshot does not fit this env
     */
    default void restore(EnvSnapshot snapshot) {
        throw new UnsupportedOperationException(id() + ".restore: this env does not support snapshots");
    }

    /** Releases resources; the default does nothing. Never throws a checked exception. */
    @Override
    default void close() {}
}
