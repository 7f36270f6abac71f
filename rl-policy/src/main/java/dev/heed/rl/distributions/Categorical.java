package dev.heed.rl.distributions;

import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import java.util.Arrays;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A batch of categorical distributions over {@code {0, …, K−1}} parameterised by unnormalised
 * logits {@code [N, K]} (probabilities {@code softmax(logits)}), as {@code torch.distributions.Categorical(logits=…)}.
 *
 * <p>Actions are class indices: {@link #sample} and {@link #mode} return an INT64 {@code [N]} tensor;
 * {@link #logProb} accepts {@code [N]} or {@code [N, 1]} of any dtype holding whole numbers in
 * {@code [0, K)} (so float action buffers work too).
 *
 * <ul>
 *   <li>{@code logProb(a) = logSoftmax(logits)[a]} (gathered with a one-hot mask, so it is
 *       differentiable to any order);
 *   <li>{@code entropy = −Σ p log p};
 *   <li>{@code KL(p ‖ q) = Σ p (log p − log q)}.
 * </ul>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Categorical implements Distribution {

    private final Tensor logits;
    private final Tensor logProbs;
    private final int n;
    private final int k;

    private Categorical(Tensor logits) {
        this.logits = logits;
        this.logProbs = logits.logSoftmax(-1);
        this.n = logits.size(0);
        this.k = logits.size(1);
    }

    /**
     * @param logits {@code [N, K]} float tensor, K ≥ 1
     * @return the distributions
     * @throws IllegalArgumentException if {@code logits} is not a 2-D float tensor with K ≥ 1
     */
    public static Categorical fromLogits(Tensor logits) {
        Objects.requireNonNull(logits, "logits");
        if (logits.dim() != 2 || logits.size(1) < 1 || !logits.dtype().isFloating()) {
            throw new IllegalArgumentException("Categorical.fromLogits: logits must be a float [N, K] tensor with K >= 1, got "
                    + logits.dtype() + " " + Arrays.toString(logits.shape())
                    + "; reshape a single row with logits.unsqueeze(0)");
        }
        return new Categorical(logits);
    }

    /**
     * The log-normaliser {@code log Σ_j exp(x_j)} of one row of logits, computed stably in float64
     * as {@code m + log Σ exp(x_j − m)} with {@code m} the row maximum: for fused paths that work
     * on arrays (log-probabilities are {@code x_j} minus it).
     *
     * @param x logits
     * @param off first logit of the row
     * @param k number of classes, at least 1
     * @return the log-sum-exp of {@code x[off, off + k)}
     */
    public static double logSumExp(float[] x, int off, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, x[off + j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            sum += Math.exp(x[off + j] - max);
        }
        return max + Math.log(sum);
    }

    /**
     * The float64 twin of {@link #logSumExp(float[], int, int)}.
     *
     * @param x logits
     * @param off first logit of the row
     * @param k number of classes, at least 1
     * @return the log-sum-exp of {@code x[off, off + k)}
     */
    public static double logSumExp(double[] x, int off, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, x[off + j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            sum += Math.exp(x[off + j] - max);
        }
        return max + Math.log(sum);
    }

    /** @return the logits {@code [N, K]} as given */
    public Tensor logits() {
        return logits;
    }

    /** @return {@code [N, K]} normalised log-probabilities */
    public Tensor logProbabilities() {
        return logProbs;
    }

    /** @return {@code [N, K]} probabilities */
    public Tensor probabilities() {
        return logProbs.exp();
    }

    /** @return the number of categories {@code K} */
    public int numCategories() {
        return k;
    }

    @Override
    public int batchSize() {
        return n;
    }

    /**
     * Inverse-CDF sampling: row {@code i} draws {@code u = rng.nextDouble()} and returns the first
     * class whose cumulative probability exceeds {@code u}.
     */
    @Override
    public Tensor sample(Rng rng) {
        Objects.requireNonNull(rng, "rng");
        double[] lp;
        try (NoGrad ignored = NoGrad.enter()) {
            lp = logProbs.toDoubleArray();
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble();
            double c = 0;
            int pick = -1;
            int lastPositive = 0;
            for (int j = 0; j < k; j++) {
                double p = Math.exp(lp[i * k + j]);
                if (p > 0) {
                    lastPositive = j;
                }
                c += p;
                if (u < c) {
                    pick = j;
                    break;
                }
            }
            out[i] = pick < 0 ? lastPositive : pick;
        }
        return Tensor.of(out, n);
    }

    /** Arg-max per row (the lowest index on ties). */
    @Override
    public Tensor mode() {
        double[] lp;
        try (NoGrad ignored = NoGrad.enter()) {
            lp = logits.toDoubleArray();
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (lp[i * k + j] > lp[i * k + best]) {
                    best = j;
                }
            }
            out[i] = best;
        }
        return Tensor.of(out, n);
    }

    @Override
    public Tensor logProb(Tensor actions) {
        return logProbs.mul(oneHot(actions, "logProb")).sum(-1);
    }

    /**
     * @param actions {@code [N]} or {@code [N, 1]} class indices
     * @param op the calling operation, for messages
     * @return a constant {@code [N, K]} one-hot mask in the logits' dtype
     */
    Tensor oneHot(Tensor actions, String op) {
        Objects.requireNonNull(actions, "actions");
        boolean shapeOk = (actions.dim() == 1 && actions.size(0) == n)
                || (actions.dim() == 2 && actions.size(0) == n && actions.size(1) == 1);
        if (!shapeOk) {
            throw new IllegalArgumentException("Categorical." + op + ": actions must have shape [" + n + "] or [" + n
                    + ", 1] (one class index per row), got " + Arrays.toString(actions.shape()));
        }
        double[] a = actions.dtype() == DType.INT64 ? toDoubles(actions.toLongArray()) : actions.toDoubleArray();
        double[] mask = new double[n * k];
        for (int i = 0; i < n; i++) {
            double v = a[i];
            if (!(v >= 0 && v < k) || v != Math.rint(v)) {
                throw new IllegalArgumentException("Categorical." + op + ": action " + v + " in row " + i
                        + " is not a class index in [0, " + k + "); actions must be whole numbers 0.." + (k - 1));
            }
            mask[i * k + (int) v] = 1;
        }
        return Tensors.tensor(mask, logits.dtype(), n, k);
    }

    private static double[] toDoubles(long[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    @Override
    public Tensor entropy() {
        return logProbs.exp().mul(logProbs).sum(-1).neg();
    }

    @Override
    public Tensor kl(Distribution other) {
        if (!(other instanceof Categorical) || ((Categorical) other).n != n || ((Categorical) other).k != k) {
            throw new IllegalArgumentException("Categorical.kl: other must be a Categorical with " + n + " rows and " + k
                    + " classes, got " + describe(other));
        }
        Categorical q = (Categorical) other;
        return logProbs.exp().mul(logProbs.sub(q.logProbs)).sum(-1);
    }

    static String describe(Distribution d) {
        if (d == null) {
            return "null";
        }
        if (d instanceof Categorical) {
            Categorical c = (Categorical) d;
            return "Categorical[" + c.n + " x " + c.k + "]";
        }
        return d.getClass().getSimpleName() + "[" + d.batchSize() + " rows]";
    }

    @Override
    public Categorical detach() {
        return new Categorical(logits.detach());
    }

    @Override
    public String toString() {
        return "Categorical[" + n + " x " + k + "]";
    }
}
