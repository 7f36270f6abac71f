package dev.heed.rl;

import dev.heed.core.DType;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * On-policy storage for {@code nSteps} steps of {@code nEnvs} vectorised envs, with generalised
 * advantage estimation (Schulman et al. 2016) as Stable-Baselines3's {@code RolloutBuffer}.
 *
 * <p>Per step it stores observations, the raw actions (the unclipped Gaussian sample), rewards,
 * episode-start flags (whether the stored observation is the first of an episode), values and
 * log-probabilities. <b>Time limits:</b> where an env's episode was truncated (and not terminated)
 * in a step, pass {@code V(final observation)} in {@code truncationValues} and {@code γ·V} is added
 * to that reward, so the cut-off future is bootstrapped; a terminated episode gets no bootstrap.
 *
 * <p>{@link #computeReturnsAndAdvantages} runs backwards over the steps:
 * {@code δ_t = r_t + γ·V_{t+1}·(1 − d_{t+1}) − V_t},
 * {@code A_t = δ_t + γλ·(1 − d_{t+1})·A_{t+1}}, where {@code d_{t+1}} is the next step's episode
 * start (for the last step: whether the episode ended in it) and {@code V_{T}} the value of the
 * observation after the rollout; returns are {@code A_t + V_t}.
 *
 * <p>Not thread-safe. Reuse with {@link #reset()}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class RolloutBuffer {

    private final int nSteps;
    private final int nEnvs;
    private final int obsDim;
    private final int actDim;
    private final double gamma;
    private final double gaeLambda;
    private final DType dtype;
    private final double[] obs;
    private final double[] actions;
    private final double[] rewards;
    private final boolean[] episodeStarts;
    private final double[] values;
    private final double[] logProbs;
    private final double[] advantages;
    private final double[] returns;
    private int pos;
    private boolean computed;

    /**
     * @param nSteps steps per env, ≥ 1
     * @param nEnvs envs, ≥ 1
     * @param obsDim observation size
     * @param actDim action columns
     * @param gamma discount in [0, 1]
     * @param gaeLambda GAE λ in [0, 1]
     * @param dtype dtype of the batches handed out
     * @throws IllegalArgumentException on out-of-range sizes or factors
     */
    public RolloutBuffer(int nSteps, int nEnvs, int obsDim, int actDim, double gamma, double gaeLambda, DType dtype) {
        if (nSteps < 1 || !(gamma >= 0 && gamma <= 1) || !(gaeLambda >= 0 && gaeLambda <= 1)) {
            throw new IllegalArgumentException("RolloutBuffer: need nSteps >= 1, gamma and gaeLambda in [0, 1], got nSteps="
                    + nSteps + ", gamma=" + gamma + ", gaeLambda=" + gaeLambda);
        }
        if (nEnvs < 1 || obsDim < 1 || actDim < 1) {
            throw new IllegalArgumentException("RolloutBuffer: nEnvs, obsDim and actDim must be >= 1, got " + nEnvs + ", "
                    + obsDim + ", " + actDim);
        }
        this.nSteps = nSteps;
        this.nEnvs = nEnvs;
        this.obsDim = obsDim;
        this.actDim = actDim;
        this.gamma = gamma;
        this.gaeLambda = gaeLambda;
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        int n = nSteps * nEnvs;
        obs = new double[n * obsDim];
        actions = new double[n * actDim];
        rewards = new double[n];
        episodeStarts = new boolean[n];
        values = new double[n];
        logProbs = new double[n];
        advantages = new double[n];
        returns = new double[n];
    }

    /**
     * @param nSteps steps per env
     * @param nEnvs envs
     * @param gamma discount
     * @param gaeLambda GAE λ
     * @param policy gives observation and action sizes and the dtype
     * @return a buffer for this policy
     */
    public static RolloutBuffer forPolicy(int nSteps, int nEnvs, double gamma, double gaeLambda, ActorCritic policy) {
        return new RolloutBuffer(nSteps, nEnvs, policy.observationDim(), policy.actionDim(), gamma, gaeLambda,
                policy.dtype());
    }

    /** @return steps per env */
    public int nSteps() {
        return nSteps;
    }

    /** @return number of envs */
    public int nEnvs() {
        return nEnvs;
    }

    /** @return steps added since the last reset */
    public int stepsAdded() {
        return pos;
    }

    /** @return true when {@code nSteps} steps have been added */
    public boolean isFull() {
        return pos == nSteps;
    }

    /** Empties the buffer (keeps the arrays). */
    public void reset() {
        pos = 0;
        computed = false;
    }

    /**
     * Adds one step of every env.
     *
     * @param stepObs {@code [nEnvs][obsDim]} the observations acted on
     * @param stepActions {@code [nEnvs][actDim]} the raw actions
     * @param stepRewards {@code [nEnvs]} rewards received
     * @param starts {@code [nEnvs]} whether {@code stepObs[i]} is the first observation of an episode
     * @param stepValues {@code [nEnvs]} {@code V(stepObs)}
     * @param stepLogProbs {@code [nEnvs]} log-probabilities of the actions
     * @param truncationValues null, or {@code [nEnvs]} with {@code V(final observation)} where the
     *     episode was truncated and not terminated, and NaN elsewhere
     * @throws IllegalStateException if the buffer is full
     * @throws IllegalArgumentException on wrong lengths
     */
    public void add(double[][] stepObs, double[][] stepActions, double[] stepRewards, boolean[] starts,
            double[] stepValues, double[] stepLogProbs, double[] truncationValues) {
        if (pos >= nSteps) {
            throw new IllegalStateException("RolloutBuffer.add: the buffer already holds " + nSteps
                    + " steps; call batch() and reset() before adding more");
        }
        if (stepObs.length != nEnvs || stepActions.length != nEnvs || stepRewards.length != nEnvs
                || starts.length != nEnvs || stepValues.length != nEnvs || stepLogProbs.length != nEnvs
                || (truncationValues != null && truncationValues.length != nEnvs)) {
            throw new IllegalArgumentException("RolloutBuffer.add: every per-env array must have length nEnvs = " + nEnvs);
        }
        int base = pos * nEnvs;
        for (int i = 0; i < nEnvs; i++) {
            int r = base + i;
            if (stepObs[i].length != obsDim || stepActions[i].length != actDim) {
                throw new IllegalArgumentException("RolloutBuffer.add: env " + i + " has observation length "
                        + stepObs[i].length + " (expected " + obsDim + ") and action length " + stepActions[i].length
                        + " (expected " + actDim + ")");
            }
            System.arraycopy(stepObs[i], 0, obs, r * obsDim, obsDim);
            System.arraycopy(stepActions[i], 0, actions, r * actDim, actDim);
            double rew = stepRewards[i];
            if (truncationValues != null && !Double.isNaN(truncationValues[i])) {
                rew += gamma * truncationValues[i];
            }
            rewards[r] = rew;
            episodeStarts[r] = starts[i];
            values[r] = stepValues[i];
            logProbs[r] = stepLogProbs[i];
        }
        pos++;
        computed = false;
    }

    /**
     * GAE over the full buffer.
     *
     * @param lastValues {@code [nEnvs]} values of the observations after the last step
     * @param dones {@code [nEnvs]} whether each env's episode ended in the last step
     * @throws IllegalStateException if the buffer is not full
     */
    public void computeReturnsAndAdvantages(double[] lastValues, boolean[] dones) {
        if (pos != nSteps) {
            throw new IllegalStateException("RolloutBuffer.computeReturnsAndAdvantages: the buffer holds " + pos + " of "
                    + nSteps + " steps; fill it first");
        }
        if (lastValues.length != nEnvs || dones.length != nEnvs) {
            throw new IllegalArgumentException("RolloutBuffer.computeReturnsAndAdvantages: lastValues and dones must have"
                    + " length nEnvs = " + nEnvs);
        }
        for (int i = 0; i < nEnvs; i++) {
            double lastGae = 0;
            for (int t = nSteps - 1; t >= 0; t--) {
                double nextNonTerminal;
                double nextValue;
                if (t == nSteps - 1) {
                    nextNonTerminal = dones[i] ? 0 : 1;
                    nextValue = lastValues[i];
                } else {
                    int nr = (t + 1) * nEnvs + i;
                    nextNonTerminal = episodeStarts[nr] ? 0 : 1;
                    nextValue = values[nr];
                }
                int r = t * nEnvs + i;
                double delta = rewards[r] + gamma * nextValue * nextNonTerminal - values[r];
                lastGae = delta + gamma * gaeLambda * nextNonTerminal * lastGae;
                advantages[r] = lastGae;
                returns[r] = lastGae + values[r];
            }
        }
        computed = true;
    }

    /**
     * @return the rollout as one batch, rows step-major (step 0 of envs 0..n−1, then step 1, …)
     * @throws IllegalStateException if advantages were not computed since the last change
     */
    public RolloutBatch batch() {
        if (!computed) {
            throw new IllegalStateException("RolloutBuffer.batch: call computeReturnsAndAdvantages(lastValues, dones) first");
        }
        return RolloutBatch.of(dtype, obsDim, actDim, obs, actions, values, logProbs, advantages, returns);
    }

    /** @return a copy of the stored rewards (including truncation bootstraps), step-major */
    public double[] rewards() {
        return rewards.clone();
    }
}
