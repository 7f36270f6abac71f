package dev.heed.rl;

import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.rl.internal.Arrays2;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A flattened batch of {@code N} transitions ready for a policy update: what a
 * {@link dev.heed.rl.spi.PolicyOptimizer} consumes. Produced by {@link RolloutBuffer#batch()} (rows
 * ordered step-major: step 0 of env 0, env 1, …, then step 1, …) or built directly with {@link #of}.
 *
 * <p>Tensors are in the policy's dtype and never require grad: observations {@code [N, obsDim]},
 * actions {@code [N, actionDim]} (the raw samples the log-probabilities refer to), and {@code [N]}
 * old values, old log-probabilities, advantages and returns ({@code = advantages + values}).
 *
 * <p>Immutable and thread-safe to read.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class RolloutBatch {

    private final DType dtype;
    private final int n;
    private final int obsDim;
    private final int actDim;
    private final double[] obs;
    private final double[] actions;
    private final double[] values;
    private final double[] logProbs;
    private final double[] advantages;
    private final double[] returns;
    private Tensor obsT;
    private Tensor actT;
    private Tensor valT;
    private Tensor lpT;
    private Tensor advT;
    private Tensor retT;

    private RolloutBatch(DType dtype, int n, int obsDim, int actDim, double[] obs, double[] actions, double[] values,
            double[] logProbs, double[] advantages, double[] returns) {
        this.dtype = dtype;
        this.n = n;
        this.obsDim = obsDim;
        this.actDim = actDim;
        this.obs = obs;
        this.actions = actions;
        this.values = values;
        this.logProbs = logProbs;
        this.advantages = advantages;
        this.returns = returns;
    }

    /**
     * Builds a batch from flat row-major arrays (copied).
     *
     * @param dtype FLOAT32 or FLOAT64, the policy's dtype
     * @param obsDim observation columns
     * @param actDim action columns
     * @param obs {@code N * obsDim}
     * @param actions {@code N * actDim}
     * @param values {@code N}
     * @param logProbs {@code N}
     * @param advantages {@code N}
     * @param returns {@code N}
     * @return the batch
     * @throws IllegalArgumentException if the lengths disagree
     */
    public static RolloutBatch of(DType dtype, int obsDim, int actDim, double[] obs, double[] actions, double[] values,
            double[] logProbs, double[] advantages, double[] returns) {
        Objects.requireNonNull(dtype, "dtype");
        int n = values.length;
        if (obs.length != n * obsDim || actions.length != n * actDim || logProbs.length != n || advantages.length != n
                || returns.length != n) {
            throw new IllegalArgumentException("RolloutBatch.of: lengths disagree for N = " + n + " (values): obs "
                    + obs.length + " (expected " + n * obsDim + "), actions " + actions.length + " (expected " + n * actDim
                    + "), logProbs " + logProbs.length + ", advantages " + advantages.length + ", returns "
                    + returns.length);
        }
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException("RolloutBatch.of: dtype must be FLOAT32 or FLOAT64, got " + dtype);
        }
        return new RolloutBatch(dtype, n, obsDim, actDim, obs.clone(), actions.clone(), values.clone(), logProbs.clone(),
                advantages.clone(), returns.clone());
    }

    /** @return the number of transitions {@code N} */
    public int size() {
        return n;
    }

    /** @return the tensors' dtype */
    public DType dtype() {
        return dtype;
    }

    /** @return {@code [N, obsDim]} */
    public synchronized Tensor observations() {
        if (obsT == null) {
            obsT = Arrays2.tensor(obs, dtype, n, obsDim);
        }
        return obsT;
    }

    /** @return {@code [N, actionDim]} raw actions */
    public synchronized Tensor actions() {
        if (actT == null) {
            actT = Arrays2.tensor(actions, dtype, n, actDim);
        }
        return actT;
    }

    /** @return {@code [N]} values predicted while collecting */
    public synchronized Tensor oldValues() {
        if (valT == null) {
            valT = Arrays2.tensor(values, dtype, n);
        }
        return valT;
    }

    /** @return {@code [N]} log-probabilities of the actions under the collecting policy */
    public synchronized Tensor oldLogProbs() {
        if (lpT == null) {
            lpT = Arrays2.tensor(logProbs, dtype, n);
        }
        return lpT;
    }

    /** @return {@code [N]} advantages (GAE) as collected, not normalised */
    public synchronized Tensor advantages() {
        if (advT == null) {
            advT = Arrays2.tensor(advantages, dtype, n);
        }
        return advT;
    }

    /** @return {@code [N]} returns: advantages + values (the critic's regression target) */
    public synchronized Tensor returns() {
        if (retT == null) {
            retT = Arrays2.tensor(returns, dtype, n);
        }
        return retT;
    }

    /** @return a copy of the advantages */
    public double[] advantageArray() {
        return advantages.clone();
    }

    /** @return a copy of the returns */
    public double[] returnArray() {
        return returns.clone();
    }

    /** @return a copy of the old values */
    public double[] valueArray() {
        return values.clone();
    }

    /**
     * Advantages normalised to zero mean and unit standard deviation:
     * {@code (A − mean(A)) / (std(A) + 1e-8)} with the unbiased standard deviation, as SB3 (which
     * PPO applies per minibatch). A batch of one row gives {@code A − mean(A) = 0}.
     *
     * @return {@code [N]}
     */
    public Tensor normalizedAdvantages() {
        double mean = 0;
        for (double a : advantages) {
            mean += a;
        }
        mean /= n;
        double ss = 0;
        for (double a : advantages) {
            ss += (a - mean) * (a - mean);
        }
        double std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = n > 1 ? (advantages[i] - mean) / (std + 1e-8) : advantages[i] - mean;
        }
        return Arrays2.tensor(out, dtype, n);
    }

    /**
     * SB3's explained variance of the collected values for the returns: {@code 1 − Var[R − V] / Var[R]}
     * (NaN when {@code Var[R] = 0}). 1 is perfect, 0 no better than a constant.
     *
     * @return the explained variance
     */
    public double explainedVariance() {
        return explainedVariance(values, returns);
    }

    /**
     * @param predicted predictions
     * @param target targets, same length
     * @return {@code 1 − Var[target − predicted] / Var[target]}, NaN when {@code Var[target] = 0}
     */
    public static double explainedVariance(double[] predicted, double[] target) {
        if (predicted.length != target.length) {
            throw new IllegalArgumentException("explainedVariance: lengths differ (" + predicted.length + " vs "
                    + target.length + ")");
        }
        int m = target.length;
        double[] diff = new double[m];
        for (int i = 0; i < m; i++) {
            diff[i] = target[i] - predicted[i];
        }
        double vt = variance(target);
        return vt == 0 ? Double.NaN : 1 - variance(diff) / vt;
    }

    private static double variance(double[] x) {
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double ss = 0;
        for (double v : x) {
            ss += (v - mean) * (v - mean);
        }
        return ss / x.length;
    }

    /**
     * @param indices rows to keep, in this order (repeats allowed)
     * @return a new batch with those rows
     * @throws IllegalArgumentException if an index is out of range
     */
    public RolloutBatch select(int[] indices) {
        int m = indices.length;
        double[] o = new double[m * obsDim];
        double[] a = new double[m * actDim];
        double[] v = new double[m];
        double[] lp = new double[m];
        double[] adv = new double[m];
        double[] ret = new double[m];
        for (int r = 0; r < m; r++) {
            int i = indices[r];
            if (i < 0 || i >= n) {
                throw new IllegalArgumentException("RolloutBatch.select: index " + i + " at position " + r
                        + " is outside [0, " + n + ")");
            }
            System.arraycopy(obs, i * obsDim, o, r * obsDim, obsDim);
            System.arraycopy(actions, i * actDim, a, r * actDim, actDim);
            v[r] = values[i];
            lp[r] = logProbs[i];
            adv[r] = advantages[i];
            ret[r] = returns[i];
        }
        return new RolloutBatch(dtype, m, obsDim, actDim, o, a, v, lp, adv, ret);
    }

    /**
     * Splits a seeded random permutation of the rows into minibatches of {@code batchSize} rows (the
     * last one smaller when {@code batchSize} does not divide {@code N}), as SB3's
     * {@code RolloutBuffer.get(batch_size)}.
     *
     * @param batchSize rows per minibatch, ≥ 1; {@code ≥ N} gives one (shuffled) batch
     * @param rng the permutation is {@code rng.permutation(N)}
     * @return the minibatches
     * @throws IllegalArgumentException if {@code batchSize < 1}
     */
    public List<RolloutBatch> minibatches(int batchSize, Rng rng) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("RolloutBatch.minibatches: batchSize must be >= 1, got " + batchSize);
        }
        Objects.requireNonNull(rng, "rng");
        int[] perm = rng.permutation(n);
        List<RolloutBatch> out = new ArrayList<>();
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize);
            int[] idx = new int[end - start];
            System.arraycopy(perm, start, idx, 0, idx.length);
            out.add(select(idx));
        }
        return out;
    }

    @Override
    public String toString() {
        return "RolloutBatch[N=" + n + ", obsDim=" + obsDim + ", actionDim=" + actDim + ", " + dtype + "]";
    }
}
