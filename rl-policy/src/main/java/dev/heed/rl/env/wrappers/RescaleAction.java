package dev.heed.rl.env.wrappers;

import dev.heed.rl.env.Wrapper;
import dev.heed.rl.env.Box;
import dev.heed.rl.env.Env;
import dev.heed.rl.env.Space;
import dev.heed.rl.env.Step;
import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * Exposes the action space {@code [minAction, maxAction]} per component (default {@code [-1, 1]}) and
 * maps it affinely onto the wrapped env's bounded {@link Box}, as Gymnasium's {@code RescaleAction}:
 * {@code low + (high - low)·(a - min)/(max - min)}, then clipped into {@code [low, high]} against
 * rounding. Actions outside {@code [min, max]} are refused like any out-of-space action; combine with
 * {@link ClipAction} outside this wrapper to accept them.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class RescaleAction extends Wrapper {

    private final Box inner;
    private final Box space;

    /**
     * Maps {@code [-1, 1]} onto the env's bounds.
     *
     * @param env an env with a bounded {@link Box} action space
     */
    public RescaleAction(Env env) {
        this(env, -1.0, 1.0);
    }

    /**
     * @param env an env with a bounded {@link Box} action space
     * @param minAction the exposed lower bound of every component
     * @param maxAction the exposed upper bound, greater than {@code minAction}
     * @throws IllegalArgumentException if the action space is not a bounded Box or the bounds are bad
     */
    public RescaleAction(Env env, double minAction, double maxAction) {
        super(env);
        Space a = env.actionSpace();
        if (!(a instanceof Box) || !((Box) a).isBounded()) {
            throw new IllegalArgumentException("RescaleAction: needs a bounded Box action space, but " + env.id()
                    + " has " + a);
        }
        if (!(Double.isFinite(minAction) && Double.isFinite(maxAction) && minAction < maxAction)) {
            throw new IllegalArgumentException("RescaleAction: need finite minAction < maxAction, got [" + minAction
                    + ", " + maxAction + "]");
        }
        inner = (Box) a;
        space = Box.uniform(minAction, maxAction, inner.shape());
    }

    @Override
    public Box actionSpace() {
        return space;
    }

    /**
     * @param action an action of the exposed space
     * @return the corresponding action of the wrapped env (a new array)
     * @throws IllegalArgumentException if the action is not in the exposed space
     */
    public double[] toInner(double[] action) {
        if (!space.contains(action)) {
            throw new IllegalArgumentException(id() + ".step: action " + Space.format(action) + " is outside " + space
                    + " (RescaleAction); clip the policy output or wrap this env in ClipAction");
        }
        double[] r = new double[action.length];
        for (int i = 0; i < r.length; i++) {
            double lo = inner.low(i);
            double hi = inner.high(i);
            double v = lo + (hi - lo) * ((action[i] - space.low(i)) / (space.high(i) - space.low(i)));
            r[i] = Math.min(Math.max(v, lo), hi);
        }
        return r;
    }

    @Override
    public Step step(double[] action) {
        return env.step(toInner(action));
    }

    @Override
    public String toString() {
        return "RescaleAction" + Arrays.toString(new double[] {space.low(0), space.high(0)}) + "<" + env + ">";
    }
}
