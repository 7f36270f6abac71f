package dev.heed.rl.env;

import org.apiguardian.api.API;

/**
 * Base class for wrappers: forwards every call to the wrapped env; subclasses override what they
 * change. {@link #unwrapped()} reaches the innermost env (e.g. to read {@code state()} of a built-in).
 *
 * <p>Not thread-safe, like the env it wraps.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public abstract class Wrapper implements Env {

    /** The wrapped env. */
    protected final Env env;

    /**
     * @param env the env to wrap; not null
     * @throws IllegalArgumentException if {@code env} is null
     */
    protected Wrapper(Env env) {
        if (env == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the env to wrap must not be null");
        }
        this.env = env;
    }

    /** @return the directly wrapped env */
    public Env inner() {
        return env;
    }

    /** @return the innermost env below all wrappers */
    public Env unwrapped() {
        Env e = env;
        while (e instanceof Wrapper) {
            e = ((Wrapper) e).env;
        }
        return e;
    }

    @Override
    public String id() {
        return env.id();
    }

    @Override
    public Space observationSpace() {
        return env.observationSpace();
    }

    @Override
    public Space actionSpace() {
        return env.actionSpace();
    }

    @Override
    public double[] reset(long seed) {
        return env.reset(seed);
    }

    @Override
    public double[] reset() {
        return env.reset();
    }

    @Override
    public Step step(double[] action) {
        return env.step(action);
    }

    @Override
    public double[] resetToState(double[] state) {
        return env.resetToState(state);
    }

    @Override
    public double[] state() {
        return env.state();
    }

    /** Delegates to the wrapped env; wrappers with state of their own override this. */
    @Override
    public EnvSnapshot snapshot() {
        return env.snapshot();
    }

    /** Delegates to the wrapped env; wrappers with state of their own override this. */
    @Override
    public void restore(EnvSnapshot snapshot) {
        env.restore(snapshot);
    }

    @Override
    public void close() {
        env.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "<" + env + ">";
    }
}
