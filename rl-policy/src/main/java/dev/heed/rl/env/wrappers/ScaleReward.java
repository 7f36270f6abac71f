package dev.heed.rl.env.wrappers;

import dev.heed.rl.env.Wrapper;
import dev.heed.rl.env.Env;
import dev.heed.rl.env.Step;
import org.apiguardian.api.API;

/** Multiplies every reward by a constant factor (e.g. 0.01 to bring large returns near 1). */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class ScaleReward extends Wrapper {

    private final double factor;

    /**
     * @param env the env whose rewards to scale
     * @param factor a finite factor
     */
    public ScaleReward(Env env, double factor) {
        super(env);
        if (!Double.isFinite(factor)) {
            throw new IllegalArgumentException("ScaleReward: factor must be finite, got " + factor);
        }
        this.factor = factor;
    }

    @Override
    public Step step(double[] action) {
        Step s = env.step(action);
        return new Step(s.observation(), s.reward() * factor, s.terminated(), s.truncated());
    }
}
