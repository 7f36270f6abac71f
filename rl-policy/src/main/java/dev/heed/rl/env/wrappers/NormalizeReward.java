package dev.heed.rl.env.wrappers;

import dev.heed.rl.env.Wrapper;
import dev.heed.rl.env.Env;
import dev.heed.rl.env.Step;
import org.apiguardian.api.API;

/**
 * Scales rewards by the running standard deviation of the discounted return, as Stable-Baselines3's
 * {@code VecNormalize} does for one env: {@code R ← γ·R + r}; the statistics of {@code R} are
 * updated (while training); the returned reward is {@code clip(r / sqrt(var(R) + epsilon), ±clip)};
 * {@code R} restarts at 0 after every finished episode. Defaults: γ = 0.99, clip = 10, ε = 1e-8.
 * The reward is scaled, not centred.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class NormalizeReward extends Wrapper {

    private final double gamma;
    private final double clip;
    private final double epsilon;
    private RunningMeanStd rms = new RunningMeanStd(1);
    private double ret;
    private boolean training = true;

    /**
     * Uses γ = 0.99, clip 10, epsilon 1e-8.
     *
     * @param env the env whose rewards to scale
     */
    public NormalizeReward(Env env) {
        this(env, 0.99, 10.0, 1e-8);
    }

    /**
     * @param env the env whose rewards to scale
     * @param gamma discount of the running return, in [0, 1]
     * @param clip absolute bound of scaled rewards, positive
     * @param epsilon added to the variance, non-negative
     */
    public NormalizeReward(Env env, double gamma, double clip, double epsilon) {
        super(env);
        if (!(gamma >= 0 && gamma <= 1) || !(clip > 0) || !(epsilon >= 0)) {
            throw new IllegalArgumentException("NormalizeReward: need 0 <= gamma <= 1, clip > 0, epsilon >= 0, got gamma="
                    + gamma + ", clip=" + clip + ", epsilon=" + epsilon);
        }
        this.gamma = gamma;
        this.clip = clip;
        this.epsilon = epsilon;
    }

    /** @param training whether to update the return statistics */
    public void setTraining(boolean training) {
        this.training = training;
    }

    /** @return a copy of the return statistics (dimension 1) */
    public RunningMeanStd statistics() {
        return rms.copy();
    }

    /**
     * @param statistics return statistics of dimension 1 (copied)
     */
    public void setStatistics(RunningMeanStd statistics) {
        if (statistics == null || statistics.dim() != 1) {
            throw new IllegalArgumentException("NormalizeReward.setStatistics: expected statistics of dimension 1");
        }
        rms = statistics.copy();
    }

    @Override
    public double[] reset(long seed) {
        ret = 0;
        return env.reset(seed);
    }

    @Override
    public double[] reset() {
        ret = 0;
        return env.reset();
    }

    @Override
    public double[] resetToState(double[] state) {
        ret = 0;
        return env.resetToState(state);
    }

    @Override
    public Step step(double[] action) {
        Step s = env.step(action);
        if (training) {
            ret = ret * gamma + s.reward();
            rms.update(new double[] {ret});
        }
        double r = s.reward() / Math.sqrt(rms.var()[0] + epsilon);
        r = Math.min(Math.max(r, -clip), clip);
        if (s.done()) {
            ret = 0;
        }
        return new Step(s.observation(), r, s.terminated(), s.truncated());
    }

    /** Not supported: this wrapper's statistics are not part of a snapshot (use VecNormalize in training). */
    @Override
    public dev.heed.rl.env.EnvSnapshot snapshot() {
        throw new UnsupportedOperationException(id() + ": NormalizeReward does not support snapshots; for checkpointable"
                + " training normalise with VecNormalize (its statistics are saved) instead");
    }

    /** Not supported, see {@link #snapshot()}. */
    @Override
    public void restore(dev.heed.rl.env.EnvSnapshot snapshot) {
        throw new UnsupportedOperationException(id() + ": NormalizeReward does not support snapshots");
    }
}
