package dev.heed.rl.env.wrappers;

import dev.heed.rl.env.Wrapper;
import dev.heed.rl.env.Box;
import dev.heed.rl.env.Discrete;
import dev.heed.rl.env.Env;
import dev.heed.rl.env.MultiDiscrete;
import dev.heed.rl.env.Space;
import dev.heed.rl.env.Step;
import org.apiguardian.api.API;

/**
 * Replaces a bounded {@link Box} action space of {@code d} components by {@code K} evenly spaced levels
 * per component, so a categorical policy can act in a continuous env (the alternative to a Gaussian
 * policy). Level {@code k} of component {@code i} is {@code low[i] + k·(high[i] - low[i])/(K - 1)}, so
 * both bounds are reachable.
 *
 * <p>Two encodings: {@link Mode#PER_DIMENSION} exposes {@code MultiDiscrete([K, …, K])} (one choice per
 * component); {@link Mode#JOINT} exposes {@code Discrete(K^d)}, index {@code Σ k_i·K^i} (component 0
 * varies fastest).
 *
 * <p>The bias: the policy can only choose among the levels, so an optimum between two levels is
 * unreachable (an error of up to {@code (high - low)/(2(K - 1))} per component), and the joint
 * encoding grows as {@code K^d}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class DiscretizeAction extends Wrapper {

    /** How the discrete action is encoded. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public enum Mode {
        /** {@code MultiDiscrete([K, …, K])}. */
        PER_DIMENSION,
        /** {@code Discrete(K^d)}. */
        JOINT
    }

    private final Box inner;
    private final int bins;
    private final Mode mode;
    private final Space space;

    /**
     * @param env an env with a bounded {@link Box} action space
     * @param bins levels per component, at least 2
     * @param mode the encoding of the discrete action
     * @throws IllegalArgumentException if the space is not a bounded Box, {@code bins < 2}, or the joint
     *     space would exceed {@code Integer.MAX_VALUE} actions
     */
    public DiscretizeAction(Env env, int bins, Mode mode) {
        super(env);
        Space a = env.actionSpace();
        if (!(a instanceof Box) || !((Box) a).isBounded()) {
            throw new IllegalArgumentException("DiscretizeAction: needs a bounded Box action space, but " + env.id()
                    + " has " + a);
        }
        if (bins < 2) {
            throw new IllegalArgumentException("DiscretizeAction: need at least 2 bins per component, got " + bins);
        }
        if (mode == null) {
            throw new IllegalArgumentException("DiscretizeAction: mode must not be null (PER_DIMENSION or JOINT)");
        }
        inner = (Box) a;
        this.bins = bins;
        this.mode = mode;
        int d = inner.flatDim();
        if (mode == Mode.JOINT) {
            long n = 1;
            for (int i = 0; i < d; i++) {
                n *= bins;
                if (n > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("DiscretizeAction: " + bins + "^" + d
                            + " joint actions exceed Integer.MAX_VALUE; use Mode.PER_DIMENSION or fewer bins");
                }
            }
            space = new Discrete((int) n);
        } else {
            int[] nvec = new int[d];
            java.util.Arrays.fill(nvec, bins);
            space = new MultiDiscrete(nvec);
        }
    }

    @Override
    public Space actionSpace() {
        return space;
    }

    /** @return levels per component */
    public int bins() {
        return bins;
    }

    /** @return the encoding */
    public Mode mode() {
        return mode;
    }

    /**
     * @param component component index
     * @param level level index in {@code [0, bins)}
     * @return the continuous value of that level
     */
    public double level(int component, int level) {
        double lo = inner.low(component);
        double hi = inner.high(component);
        return level == bins - 1 ? hi : lo + level * (hi - lo) / (bins - 1);
    }

    /**
     * @param action an element of {@link #actionSpace()}
     * @return the continuous action sent to the wrapped env (a new array)
     * @throws IllegalArgumentException if the action is not in the discrete space
     */
    public double[] toContinuous(double[] action) {
        if (!space.contains(action)) {
            throw new IllegalArgumentException(id() + ".step: action " + Space.format(action) + " is not in " + space
                    + " (DiscretizeAction with " + bins + " bins); expected "
                    + (mode == Mode.JOINT ? "double[]{k} with k in 0.." + (((Discrete) space).n() - 1)
                            : inner.flatDim() + " whole numbers in 0.." + (bins - 1)));
        }
        int d = inner.flatDim();
        double[] c = new double[d];
        if (mode == Mode.JOINT) {
            long idx = (long) action[0];
            for (int i = 0; i < d; i++) {
                c[i] = level(i, (int) (idx % bins));
                idx /= bins;
            }
        } else {
            for (int i = 0; i < d; i++) {
                c[i] = level(i, (int) action[i]);
            }
        }
        return c;
    }

    @Override
    public Step step(double[] action) {
        return env.step(toContinuous(action));
    }
}
