package dev.heed.rl.env.wrappers;

import dev.heed.rl.env.Wrapper;
import dev.heed.rl.env.Box;
import dev.heed.rl.env.Env;
import dev.heed.rl.env.Space;
import dev.heed.rl.env.Step;
import org.apiguardian.api.API;

/**
 * Clips each action component into the wrapped env's {@link Box} bounds, as Gymnasium's
 * {@code ClipAction}; the exposed action space becomes unbounded with the same shape, so any finite
 * policy output (e.g. a Gaussian sample) is accepted. NaN is still refused by the env.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class ClipAction extends Wrapper {

    private final Box inner;
    private final Box space;

    /**
     * @param env an env with a {@link Box} action space
     * @throws IllegalArgumentException if the action space is not a Box
     */
    public ClipAction(Env env) {
        super(env);
        Space a = env.actionSpace();
        if (!(a instanceof Box)) {
            throw new IllegalArgumentException("ClipAction: needs a Box action space, but " + env.id() + " has " + a);
        }
        inner = (Box) a;
        space = Box.uniform(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, inner.shape());
    }

    @Override
    public Box actionSpace() {
        return space;
    }

    /**
     * @param action an action of the exposed space
     * @return the action clipped into the wrapped env's bounds (a new array)
     */
    public double[] clip(double[] action) {
        if (action == null || action.length != inner.flatDim()) {
            throw new IllegalArgumentException("ClipAction: " + id() + " expects " + inner.flatDim() + " action values, got "
                    + Space.format(action));
        }
        double[] c = new double[action.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = Double.isNaN(action[i]) ? action[i] : Math.min(Math.max(action[i], inner.low(i)), inner.high(i));
        }
        return c;
    }

    @Override
    public Step step(double[] action) {
        return env.step(clip(action));
    }
}
