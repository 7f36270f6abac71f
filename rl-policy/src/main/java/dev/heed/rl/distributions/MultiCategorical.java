package dev.heed.rl.distributions;

import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import java.util.Arrays;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Independent categorical distributions over the components of a {@code MultiDiscrete([n_0, …, n_{D−1}])}
 * action (e.g. a Box discretised per dimension by {@code DiscretizeAction}), as Stable-Baselines3's
 * {@code MultiCategoricalDistribution}: the logits {@code [N, Σ n_j]} are split into D blocks.
 *
 * <p>Actions are {@code [N, D]} class indices (INT64 from {@link #sample}/{@link #mode}; any dtype
 * holding whole numbers for {@link #logProb}). log-probability, entropy and KL are the sums over the
 * components.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class MultiCategorical implements Distribution {

    private final int[] nvec;
    private final Categorical[] parts;
    private final int n;

    private MultiCategorical(int[] nvec, Categorical[] parts, int n) {
        this.nvec = nvec;
        this.parts = parts;
        this.n = n;
    }

    /**
     * @param logits {@code [N, Σ nvec]} float tensor
     * @param nvec the number of classes of each component, each ≥ 1
     * @return the distributions
     * @throws IllegalArgumentException if the logits' width is not {@code Σ nvec}
     */
    public static MultiCategorical fromLogits(Tensor logits, int... nvec) {
        Objects.requireNonNull(logits, "logits");
        int total = 0;
        for (int k : nvec) {
            if (k < 1) {
                throw new IllegalArgumentException("MultiCategorical.fromLogits: every component needs >= 1 class, got "
                        + Arrays.toString(nvec));
            }
            total += k;
        }
        if (logits.dim() != 2 || logits.size(1) != total || !logits.dtype().isFloating()) {
            throw new IllegalArgumentException("MultiCategorical.fromLogits: logits must be a float [N, " + total
                    + "] tensor for nvec " + Arrays.toString(nvec) + ", got " + logits.dtype() + " "
                    + Arrays.toString(logits.shape()));
        }
        Categorical[] parts = new Categorical[nvec.length];
        int off = 0;
        for (int j = 0; j < nvec.length; j++) {
            parts[j] = Categorical.fromLogits(logits.narrow(1, off, nvec[j]));
            off += nvec[j];
        }
        return new MultiCategorical(nvec.clone(), parts, logits.size(0));
    }

    /** @return the number of classes per component */
    public int[] nvec() {
        return nvec.clone();
    }

    @Override
    public int batchSize() {
        return n;
    }

    /** Row-major: row {@code i} draws one {@code nextDouble()} per component, in component order. */
    @Override
    public Tensor sample(Rng rng) {
        Objects.requireNonNull(rng, "rng");
        double[][] lp = new double[parts.length][];
        try (NoGrad ignored = NoGrad.enter()) {
            for (int j = 0; j < parts.length; j++) {
                lp[j] = parts[j].logProbabilities().toDoubleArray();
            }
        }
        long[] out = new long[n * parts.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < parts.length; j++) {
                int k = nvec[j];
                double u = rng.nextDouble();
                double c = 0;
                int pick = -1;
                int lastPositive = 0;
                for (int m = 0; m < k; m++) {
                    double p = Math.exp(lp[j][i * k + m]);
                    if (p > 0) {
                        lastPositive = m;
                    }
                    c += p;
                    if (u < c) {
                        pick = m;
                        break;
                    }
                }
                out[i * parts.length + j] = pick < 0 ? lastPositive : pick;
            }
        }
        return Tensor.of(out, n, parts.length);
    }

    @Override
    public Tensor mode() {
        long[] out = new long[n * parts.length];
        for (int j = 0; j < parts.length; j++) {
            long[] m = parts[j].mode().toLongArray();
            for (int i = 0; i < n; i++) {
                out[i * parts.length + j] = m[i];
            }
        }
        return Tensor.of(out, n, parts.length);
    }

    @Override
    public Tensor logProb(Tensor actions) {
        Objects.requireNonNull(actions, "actions");
        if (actions.dim() != 2 || actions.size(0) != n || actions.size(1) != parts.length) {
            throw new IllegalArgumentException("MultiCategorical.logProb: actions must have shape [" + n + ", "
                    + parts.length + "] (one class index per component), got " + Arrays.toString(actions.shape()));
        }
        double[] a = actions.dtype() == DType.INT64 ? longs(actions.toLongArray()) : actions.toDoubleArray();
        Tensor sum = null;
        for (int j = 0; j < parts.length; j++) {
            double[] col = new double[n];
            for (int i = 0; i < n; i++) {
                col[i] = a[i * parts.length + j];
            }
            Tensor lp = parts[j].logProb(Tensor.of(col, n));
            sum = sum == null ? lp : sum.add(lp);
        }
        return sum;
    }

    private static double[] longs(long[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    @Override
    public Tensor entropy() {
        Tensor sum = parts[0].entropy();
        for (int j = 1; j < parts.length; j++) {
            sum = sum.add(parts[j].entropy());
        }
        return sum;
    }

    @Override
    public Tensor kl(Distribution other) {
        if (!(other instanceof MultiCategorical) || !Arrays.equals(((MultiCategorical) other).nvec, nvec)
                || other.batchSize() != n) {
            throw new IllegalArgumentException("MultiCategorical.kl: other must be a MultiCategorical with " + n
                    + " rows and nvec " + Arrays.toString(nvec) + ", got " + Categorical.describe(other));
        }
        MultiCategorical q = (MultiCategorical) other;
        Tensor sum = parts[0].kl(q.parts[0]);
        for (int j = 1; j < parts.length; j++) {
            sum = sum.add(parts[j].kl(q.parts[j]));
        }
        return sum;
    }

    @Override
    public MultiCategorical detach() {
        Categorical[] d = new Categorical[parts.length];
        for (int j = 0; j < parts.length; j++) {
            d[j] = parts[j].detach();
        }
        return new MultiCategorical(nvec, d, n);
    }

    @Override
    public String toString() {
        return "MultiCategorical[" + n + " x " + Arrays.toString(nvec) + "]";
    }
}
