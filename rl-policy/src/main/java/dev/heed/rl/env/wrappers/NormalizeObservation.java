package dev.heed.rl.env.wrappers;

import dev.heed.rl.env.Wrapper;
import dev.heed.rl.env.Box;
import dev.heed.rl.env.Env;
import dev.heed.rl.env.Step;
import org.apiguardian.api.API;

/**
 * Normalises observations with running statistics, as Stable-Baselines3's {@code VecNormalize} does
 * for one env: {@code clip((o - mean) / sqrt(var + epsilon), -clip, clip)} with defaults
 * {@code clip = 10}, {@code epsilon = 1e-8}. While {@link #training()} is true every observation
 * returned by reset and step first updates the statistics; switch it off for evaluation.
 *
 * <p>Save {@link #statistics()}{@code .toArrays()} with the model and restore it with
 * {@link #setStatistics(RunningMeanStd)}, otherwise a loaded policy sees differently scaled inputs.
 * For vector envs use {@code dev.heed.rl.vec.VecNormalize}, which shares one set of statistics.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class NormalizeObservation extends Wrapper {

    private final double clip;
    private final double epsilon;
    private final Box space;
    private RunningMeanStd rms;
    private boolean training = true;

    /**
     * Uses clip 10 and epsilon 1e-8.
     *
     * @param env the env whose observations to normalise
     */
    public NormalizeObservation(Env env) {
        this(env, 10.0, 1e-8);
    }

    /**
     * @param env the env whose observations to normalise
     * @param clip absolute bound of normalised values, positive
     * @param epsilon added to the variance, non-negative
     */
    public NormalizeObservation(Env env, double clip, double epsilon) {
        super(env);
        if (!(clip > 0) || !(epsilon >= 0)) {
            throw new IllegalArgumentException("NormalizeObservation: need clip > 0 and epsilon >= 0, got clip=" + clip
                    + ", epsilon=" + epsilon);
        }
        this.clip = clip;
        this.epsilon = epsilon;
        int d = env.observationSpace().flatDim();
        this.rms = new RunningMeanStd(d);
        this.space = Box.uniform(-clip, clip, env.observationSpace().flatDim());
    }

    @Override
    public Box observationSpace() {
        return space;
    }

    /** @return whether statistics are updated */
    public boolean training() {
        return training;
    }

    /**
     * @param training whether to update the statistics (true while learning, false to evaluate)
     */
    public void setTraining(boolean training) {
        this.training = training;
    }

    /** @return a copy of the current statistics */
    public RunningMeanStd statistics() {
        return rms.copy();
    }

    /**
     * @param statistics statistics to use from now on (copied), e.g. restored from a checkpoint
     * @throws IllegalArgumentException if the dimension does not match the observations
     */
    public void setStatistics(RunningMeanStd statistics) {
        if (statistics == null || statistics.dim() != rms.dim()) {
            throw new IllegalArgumentException("NormalizeObservation.setStatistics: expected statistics of dimension "
                    + rms.dim() + ", got " + (statistics == null ? "null" : String.valueOf(statistics.dim())));
        }
        rms = statistics.copy();
    }

    private double[] normalize(double[] o) {
        if (training) {
            rms.update(o);
        }
        return rms.normalize(o, epsilon, clip);
    }

    @Override
    public double[] reset(long seed) {
        return normalize(env.reset(seed));
    }

    @Override
    public double[] reset() {
        return normalize(env.reset());
    }

    @Override
    public double[] resetToState(double[] state) {
        return normalize(env.resetToState(state));
    }

    @Override
    public Step step(double[] action) {
        Step s = env.step(action);
        return new Step(normalize(s.observation()), s.reward(), s.terminated(), s.truncated());
    }

    /** Not supported: this wrapper's statistics are not part of a snapshot (use VecNormalize in training). */
    @Override
    public dev.heed.rl.env.EnvSnapshot snapshot() {
        throw new UnsupportedOperationException(id() + ": NormalizeObservation does not support snapshots; for checkpointable"
                + " training normalise with VecNormalize (its statistics are saved) instead");
    }

    /** Not supported, see {@link #snapshot()}. */
    @Override
    public void restore(dev.heed.rl.env.EnvSnapshot snapshot) {
        throw new UnsupportedOperationException(id() + ": NormalizeObservation does not support snapshots");
    }
}
