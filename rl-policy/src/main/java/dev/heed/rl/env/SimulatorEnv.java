package dev.heed.rl.env;

import dev.heed.core.Rng;
import org.apiguardian.api.API;

/**
 * Base class for environments whose whole state is a {@code double[]}: handles seeding, the
 * reset-before-step and no-step-after-done rules, action validation and {@link #resetToState}.
 * Subclasses implement the dynamics only.
 *
 * <p>Randomness comes from {@link Rng}: {@code reset(seed)} draws from {@code Rng.seeded(seed)}. The
 * distributions are Gymnasium's, but the numbers are not NumPy's PCG64 stream, so a seed does not give
 * the same start state as in Gymnasium; use {@link #resetToState} to reproduce a Gymnasium episode.
 *
 * <p>By default an action outside a {@link Box} action space is refused. After
 * {@link #allowOutOfBoundsActions(boolean) allowOutOfBoundsActions(true)} such actions reach the
 * dynamics, which treat them as Gymnasium does (e.g. clip the force but penalise the raw value).
 * Wrong lengths, NaN and invalid discrete actions are always refused. Not thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public abstract class SimulatorEnv implements Env {

    private final String id;
    private final Space observationSpace;
    private final Space actionSpace;
    private final int stateDim;
    private Rng rng;
    private boolean started;
    private boolean episodeOver;
    private long episodeSteps;
    private boolean allowOutOfBounds;

    /**
     * @param id name used in error messages
     * @param observationSpace the observation space
     * @param actionSpace the action space
     * @param stateDim length of the internal state
     */
    protected SimulatorEnv(String id, Space observationSpace, Space actionSpace, int stateDim) {
        this.id = id;
        this.observationSpace = observationSpace;
        this.actionSpace = actionSpace;
        this.stateDim = stateDim;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final Space observationSpace() {
        return observationSpace;
    }

    @Override
    public final Space actionSpace() {
        return actionSpace;
    }

    /**
     * Lets {@link Box} actions outside the bounds through to the dynamics, as Gymnasium does.
     *
     * @param allow whether out-of-bounds (but finite, correctly sized) actions are accepted
     * @return this env
     */
    public final SimulatorEnv allowOutOfBoundsActions(boolean allow) {
        this.allowOutOfBounds = allow;
        return this;
    }

    @Override
    public final double[] reset(long seed) {
        rng = Rng.seeded(seed);
        return begin();
    }

    @Override
    public final double[] reset() {
        if (rng == null) {
            rng = Rng.seeded(0);
        }
        return begin();
    }

    private double[] begin() {
        double[] s = sampleInitialState(rng);
        loadState(s);
        started = true;
        episodeOver = false;
        episodeSteps = 0;
        return observation();
    }

    @Override
    public final double[] resetToState(double[] state) {
        if (state == null || state.length != stateDim) {
            throw new IllegalArgumentException(id + ".resetToState: expected " + stateDim + " values "
                    + stateLayout() + ", got " + Space.format(state));
        }
        for (double v : state) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(id + ".resetToState: state must be finite, got "
                        + Space.format(state));
            }
        }
        loadState(state.clone());
        started = true;
        episodeOver = false;
        episodeSteps = 0;
        return observation();
    }

    @Override
    public final double[] state() {
        if (!started) {
            throw new IllegalStateException(id + ".state: no state before the first reset; call reset(seed) first");
        }
        return currentState();
    }

    /**
     * Saves the internal state (when started), the started / episode-over flags, the episode step
     * count and the random generator's words.
     */
    @Override
    public EnvSnapshot snapshot() {
        EnvSnapshot s = EnvSnapshot.empty().withWords("flags", started ? 1 : 0, episodeOver ? 1 : 0, episodeSteps);
        if (started) {
            s = s.withReals("state", currentState());
        }
        if (rng != null) {
            s = s.withWords("rng", rng.state());
        }
        return s;
    }

    @Override
    public void restore(EnvSnapshot snapshot) {
        long[] flags = snapshot.words("flags");
        if (flags.length != 3) {
            throw new IllegalArgumentException(id + ".restore: 'flags' must hold 3 values, got " + flags.length);
        }
        double[] state = flags[0] == 1 ? snapshot.reals("state") : null;
        if (state != null && state.length != stateDim) {
            throw new IllegalArgumentException(id + ".restore: expected a state of " + stateDim + " values "
                    + stateLayout() + ", got " + state.length);
        }
        Rng restored = snapshot.contains("rng") ? Rng.restore(snapshot.words("rng")) : null;
        if (state != null) {
            loadState(state);
        }
        rng = restored;
        started = flags[0] == 1;
        episodeOver = flags[1] == 1;
        episodeSteps = flags[2];
    }

    @Override
    public final Step step(double[] action) {
        if (!started) {
            throw new IllegalStateException(id + ".step: called before reset(); call env.reset(seed) first");
        }
        if (episodeOver) {
            throw new IllegalStateException(id + ".step: the episode ended after " + episodeSteps
                    + " steps; call reset() before stepping again");
        }
        checkAction(action);
        Step s = advance(action);
        episodeSteps++;
        if (s.terminated() || s.truncated()) {
            episodeOver = true;
        }
        return s;
    }

    private void checkAction(double[] action) {
        if (actionSpace.contains(action)) {
            return;
        }
        if (actionSpace instanceof Discrete) {
            int n = ((Discrete) actionSpace).n();
            throw new IllegalArgumentException(id + ".step: action " + Space.format(action) + " is not in " + actionSpace
                    + "; expected double[]{k} with k a whole number in 0.." + (n - 1) + ", e.g. env.step(" + (n - 1) + ")");
        }
        int dim = actionSpace.flatDim();
        if (action == null || action.length != dim) {
            throw new IllegalArgumentException(id + ".step: action " + Space.format(action) + " has "
                    + (action == null ? "no" : String.valueOf(action.length)) + " values; " + actionSpace
                    + " needs exactly " + dim);
        }
        for (double v : action) {
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException(id + ".step: action " + Space.format(action)
                        + " contains NaN; check the policy output");
            }
        }
        if (allowOutOfBounds && actionSpace instanceof Box) {
            for (double v : action) {
                if (Double.isInfinite(v)) {
                    throw new IllegalArgumentException(id + ".step: action " + Space.format(action)
                            + " is infinite; check the policy output");
                }
            }
            return;
        }
        throw new IllegalArgumentException(id + ".step: action " + Space.format(action) + " is outside " + actionSpace
                + "; clip the policy output to the bounds (wrap the env in ClipAction or RescaleAction)"
                + " or call allowOutOfBoundsActions(true) for Gymnasium's lenient handling");
    }

    /** @return the current observation, computed from the state; a new array */
    protected abstract double[] observation();

    /**
     * @param rng the env's generator
     * @return a fresh initial state drawn from Gymnasium's reset distribution
     */
    protected abstract double[] sampleInitialState(Rng rng);

    /**
     * Replaces the internal state.
     *
     * @param state a validated, owned array of length {@code stateDim}
     */
    protected abstract void loadState(double[] state);

    /** @return a copy of the internal state */
    protected abstract double[] currentState();

    /** @return a description of the state layout for error messages, e.g. {@code [x, x_dot, theta, theta_dot]} */
    protected abstract String stateLayout();

    /**
     * Applies one valid action to the state.
     *
     * @param action a validated action
     * @return the transition (truncation is left to wrappers such as {@code TimeLimit})
     */
    protected abstract Step advance(double[] action);

    /**
     * Rounds to float32 and back, as Gymnasium's {@code dtype=np.float32} observations do.
     *
     * @param x a value
     * @return {@code (double) (float) x}
     */
    protected static double f32(double x) {
        return (float) x;
    }
}
