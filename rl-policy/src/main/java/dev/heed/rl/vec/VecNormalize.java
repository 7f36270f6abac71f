package dev.heed.rl.vec;

import dev.heed.rl.env.Box;
import dev.heed.rl.env.EnvSnapshot;
import dev.heed.rl.env.Space;
import dev.heed.rl.env.wrappers.EpisodeRecord;
import dev.heed.rl.env.wrappers.RunningMeanStd;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Normalises observations and scales rewards of a vector env with statistics shared by all copies,
 * as Stable-Baselines3's {@code VecNormalize} (same defaults: clipObs 10, clipReward 10, γ 0.99,
 * ε 1e-8, statistics starting at mean 0, variance 1, count 1e-4).
 *
 * <p>Per step, while {@link #training()}: the observation statistics are updated with the batch of raw
 * observations; the discounted returns {@code R ← γR + r} (per env) update the return statistics.
 * Returned observations are {@code clip((o - mean)/sqrt(var + ε), ±clipObs)} (final observations of
 * finished episodes too); rewards are {@code clip(r / sqrt(var(R) + ε), ±clipReward)}; {@code R} restarts
 * at 0 for envs whose episode ended. {@link #drainEpisodes()} reports the raw (unscaled) returns.
 *
 * <p>Save {@link #observationStatistics()} and {@link #returnStatistics()} (as
 * {@link RunningMeanStd#toArrays()}) with the model; restore them with {@link #setStatistics} and
 * call {@code setTraining(false)} for evaluation.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class VecNormalize implements VectorEnv {

    private final VectorEnv venv;
    private final boolean normObs;
    private final boolean normReward;
    private final double clipObs;
    private final double clipReward;
    private final double gamma;
    private final double epsilon;
    private final double[] returns;
    private RunningMeanStd obsRms;
    private RunningMeanStd retRms = new RunningMeanStd(1);
    private boolean training = true;
    private double[][] originalObs;
    private double[] originalRewards;

    /**
     * Normalises observations and rewards with SB3's defaults.
     *
     * @param venv the vector env to wrap
     */
    public VecNormalize(VectorEnv venv) {
        this(venv, true, true, 10.0, 10.0, 0.99, 1e-8);
    }

    /**
     * @param venv the vector env to wrap
     * @param normObs whether to normalise observations
     * @param normReward whether to scale rewards
     * @param clipObs bound of normalised observations, positive
     * @param clipReward bound of scaled rewards, positive
     * @param gamma discount of the running return, in [0, 1]
     * @param epsilon added to variances, non-negative
     */
    public VecNormalize(VectorEnv venv, boolean normObs, boolean normReward, double clipObs, double clipReward,
            double gamma, double epsilon) {
        if (venv == null) {
            throw new IllegalArgumentException("VecNormalize: the vector env must not be null");
        }
        if (!(clipObs > 0) || !(clipReward > 0) || !(gamma >= 0 && gamma <= 1) || !(epsilon >= 0)) {
            throw new IllegalArgumentException("VecNormalize: need clipObs > 0, clipReward > 0, 0 <= gamma <= 1,"
                    + " epsilon >= 0, got clipObs=" + clipObs + ", clipReward=" + clipReward + ", gamma=" + gamma
                    + ", epsilon=" + epsilon);
        }
        this.venv = venv;
        this.normObs = normObs;
        this.normReward = normReward;
        this.clipObs = clipObs;
        this.clipReward = clipReward;
        this.gamma = gamma;
        this.epsilon = epsilon;
        this.returns = new double[venv.numEnvs()];
        this.obsRms = new RunningMeanStd(venv.observationSpace().flatDim());
    }

    @Override
    public int numEnvs() {
        return venv.numEnvs();
    }

    @Override
    public String id() {
        return venv.id();
    }

    @Override
    public Space observationSpace() {
        return normObs ? Box.uniform(-clipObs, clipObs, venv.observationSpace().flatDim()) : venv.observationSpace();
    }

    @Override
    public Space actionSpace() {
        return venv.actionSpace();
    }

    /** @return whether statistics are updated */
    public boolean training() {
        return training;
    }

    /** @param training whether to update statistics (false for evaluation) */
    public void setTraining(boolean training) {
        this.training = training;
    }

    /** @return a copy of the observation statistics */
    public RunningMeanStd observationStatistics() {
        return obsRms.copy();
    }

    /** @return a copy of the return statistics (dimension 1) */
    public RunningMeanStd returnStatistics() {
        return retRms.copy();
    }

    /**
     * Replaces both statistics (copied), e.g. from a checkpoint.
     *
     * @param observation statistics of dimension {@code obsDim}
     * @param ret return statistics of dimension 1
     * @throws IllegalArgumentException if a dimension does not match
     */
    public void setStatistics(RunningMeanStd observation, RunningMeanStd ret) {
        if (observation == null || observation.dim() != obsRms.dim() || ret == null || ret.dim() != 1) {
            throw new IllegalArgumentException("VecNormalize.setStatistics: expected observation statistics of dimension "
                    + obsRms.dim() + " and return statistics of dimension 1");
        }
        obsRms = observation.copy();
        retRms = ret.copy();
    }

    /** @return the raw observations of the last reset or step (not normalised) */
    public double[][] originalObservations() {
        return originalObs == null ? null : originalObs.clone();
    }

    /** @return the raw rewards of the last step */
    public double[] originalRewards() {
        return originalRewards == null ? null : originalRewards.clone();
    }

    /**
     * @param o one raw observation
     * @return it normalised with the current statistics (statistics unchanged)
     */
    public double[] normalizeObservation(double[] o) {
        return normObs ? obsRms.normalize(o, epsilon, clipObs) : o.clone();
    }

    /**
     * @param r one raw reward
     * @return it scaled with the current return statistics
     */
    public double normalizeReward(double r) {
        if (!normReward) {
            return r;
        }
        double z = r / Math.sqrt(retRms.var()[0] + epsilon);
        return Math.min(Math.max(z, -clipReward), clipReward);
    }

    @Override
    public double[][] reset(long seed) {
        double[][] obs = venv.reset(seed);
        originalObs = obs;
        java.util.Arrays.fill(returns, 0);
        if (training && normObs) {
            obsRms.update(obs);
        }
        double[][] out = new double[obs.length][];
        for (int i = 0; i < obs.length; i++) {
            out[i] = normalizeObservation(obs[i]);
        }
        return out;
    }

    @Override
    public VecStep step(double[][] actions) {
        VecStep s = venv.step(actions);
        int n = s.numEnvs();
        originalObs = s.observations();
        originalRewards = s.rewards();
        if (training && normObs) {
            obsRms.update(s.observations());
        }
        if (training) {
            double[][] r = new double[n][1];
            for (int i = 0; i < n; i++) {
                returns[i] = returns[i] * gamma + s.rewards()[i];
                r[i][0] = returns[i];
            }
            retRms.update(r);
        }
        double[][] obs = new double[n][];
        double[] rew = new double[n];
        double[][] fin = new double[n][];
        for (int i = 0; i < n; i++) {
            obs[i] = normalizeObservation(s.observations()[i]);
            rew[i] = normalizeReward(s.rewards()[i]);
            if (s.finalObservations()[i] != null) {
                fin[i] = normalizeObservation(s.finalObservations()[i]);
            }
            if (s.done(i)) {
                returns[i] = 0;
            }
        }
        return new VecStep(obs, rew, s.terminated().clone(), s.truncated().clone(), fin);
    }

    /** Saves the wrapped envs, both statistics, the running returns and the training flag. */
    @Override
    public EnvSnapshot snapshot() {
        double[][] o = obsRms.toArrays();
        double[][] r = retRms.toArrays();
        return EnvSnapshot.empty().withReals("obs_rms.mean", o[0]).withReals("obs_rms.var", o[1])
                .withReals("obs_rms.count", o[2]).withReals("ret_rms.mean", r[0]).withReals("ret_rms.var", r[1])
                .withReals("ret_rms.count", r[2]).withReals("returns", returns).withWords("training", training ? 1 : 0)
                .nest("venv", venv.snapshot());
    }

    @Override
    public void restore(EnvSnapshot snapshot) {
        RunningMeanStd o = RunningMeanStd.fromArrays(new double[][] {snapshot.reals("obs_rms.mean"),
            snapshot.reals("obs_rms.var"), snapshot.reals("obs_rms.count")});
        RunningMeanStd r = RunningMeanStd.fromArrays(new double[][] {snapshot.reals("ret_rms.mean"),
            snapshot.reals("ret_rms.var"), snapshot.reals("ret_rms.count")});
        double[] ret = snapshot.reals("returns");
        if (ret.length != returns.length) {
            throw new IllegalArgumentException("VecNormalize.restore: the snapshot holds " + ret.length
                    + " running returns but this vector env has " + returns.length + " envs");
        }
        setStatistics(o, r);
        venv.restore(snapshot.sub("venv"));
        System.arraycopy(ret, 0, returns, 0, ret.length);
        training = snapshot.words("training")[0] == 1;
    }

    @Override
    public List<EpisodeRecord> drainEpisodes() {
        return venv.drainEpisodes();
    }

    @Override
    public void close() {
        venv.close();
    }
}
