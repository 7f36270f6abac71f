package dev.heed.rl.distributions;

import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import java.util.Arrays;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A batch of Gaussians with diagonal covariance over {@code R^d}: mean {@code μ [N, d]} (from the
 * network) and log standard deviation {@code log σ}, either one {@code [d]} vector shared by all rows
 * (Stable-Baselines3's state-independent parameter) or {@code [N, d]} (a network head).
 *
 * <p>{@code log σ} is clamped to {@code [}{@value #LOG_STD_MIN}{@code , }{@value #LOG_STD_MAX}{@code ]}
 * (the range Stable-Baselines3 uses for SAC's log-σ head): σ stays in about {@code [2e-9, 7.4]}, so
 * log-densities never overflow; inside the range the clamp is the identity, outside it passes no
 * gradient (like {@code torch.clamp}).
 *
 * <p>Actions are float tensors {@code [N, d]} (the raw, unclipped sample; clip only what goes to the
 * environment). With {@code z = (x − μ)/σ}:
 * <ul>
 *   <li>{@code logProb(x) = Σ_j (−½ z_j² − log σ_j − ½ log 2π)};
 *   <li>{@code entropy = Σ_j (½ + ½ log 2π + log σ_j)};
 *   <li>{@code KL(p ‖ q) = Σ_j (log σq_j − log σp_j + (σp_j² + (μp_j − μq_j)²) / (2 σq_j²) − ½)}.
 * </ul>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class DiagGaussian implements Distribution {

    /** Lower clamp of log σ. */
    public static final double LOG_STD_MIN = -20.0;
    /** Upper clamp of log σ. */
    public static final double LOG_STD_MAX = 2.0;

    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    private final Tensor mean;
    private final Tensor logStd;
    private final int n;
    private final int d;

    private DiagGaussian(Tensor mean, Tensor clampedLogStd) {
        this.mean = mean;
        this.logStd = clampedLogStd;
        this.n = mean.size(0);
        this.d = mean.size(1);
    }

    /**
     * @param mean {@code [N, d]} float tensor
     * @param logStd {@code [d]} (shared by all rows) or {@code [N, d]}, same dtype; clamped to
     *     {@code [LOG_STD_MIN, LOG_STD_MAX]}
     * @return the distributions
     * @throws IllegalArgumentException on shape or dtype mismatch
     */
    public static DiagGaussian of(Tensor mean, Tensor logStd) {
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(logStd, "logStd");
        if (mean.dim() != 2 || !mean.dtype().isFloating()) {
            throw new IllegalArgumentException("DiagGaussian.of: mean must be a float [N, d] tensor, got " + mean.dtype() + " "
                    + Arrays.toString(mean.shape()) + "; reshape a single row with mean.unsqueeze(0)");
        }
        int n = mean.size(0);
        int d = mean.size(1);
        boolean shared = logStd.dim() == 1 && logStd.size(0) == d;
        boolean perRow = logStd.dim() == 2 && logStd.size(0) == n && logStd.size(1) == d;
        if (!shared && !perRow) {
            throw new IllegalArgumentException("DiagGaussian.of: logStd must have shape [" + d + "] or [" + n + ", " + d
                    + "] to match mean " + Arrays.toString(mean.shape()) + ", got " + Arrays.toString(logStd.shape()));
        }
        if (logStd.dtype() != mean.dtype()) {
            throw new IllegalArgumentException("DiagGaussian.of: mean is " + mean.dtype() + " but logStd is "
                    + logStd.dtype() + "; convert one with .to(...)");
        }
        return new DiagGaussian(mean, logStd.clamp(LOG_STD_MIN, LOG_STD_MAX));
    }

    /** @return the means {@code [N, d]} */
    public Tensor mean() {
        return mean;
    }

    /** @return the clamped log standard deviations, {@code [d]} or {@code [N, d]} as given */
    public Tensor logStd() {
        return logStd;
    }

    /** @return the standard deviations {@code exp(log σ)}, {@code [d]} or {@code [N, d]} */
    public Tensor std() {
        return logStd.exp();
    }

    /** @return the action dimension {@code d} */
    public int actionDim() {
        return d;
    }

    @Override
    public int batchSize() {
        return n;
    }

    /** {@code μ + σ·ε} with {@code ε} drawn row-major from {@link Rng#nextGaussian()}; shape {@code [N, d]}. */
    @Override
    public Tensor sample(Rng rng) {
        Objects.requireNonNull(rng, "rng");
        double[] m;
        double[] ls;
        try (NoGrad ignored = NoGrad.enter()) {
            m = mean.toDoubleArray();
            ls = logStd.toDoubleArray();
        }
        boolean shared = ls.length == d;
        double[] out = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double s = Math.exp(shared ? ls[j] : ls[i * d + j]);
                out[i * d + j] = m[i * d + j] + s * rng.nextGaussian();
            }
        }
        return Tensors.tensor(out, mean.dtype(), n, d);
    }

    @Override
    public Tensor mode() {
        return mean.detach();
    }

    @Override
    public Tensor logProb(Tensor actions) {
        checkActions(actions, "logProb");
        Tensor z = actions.sub(mean).div(logStd.exp());
        return z.mul(z).mul(-0.5).sub(logStd).sub(HALF_LOG_2PI).sum(-1);
    }

    void checkActions(Tensor actions, String op) {
        Objects.requireNonNull(actions, "actions");
        if (actions.dim() != 2 || actions.size(0) != n || actions.size(1) != d) {
            throw new IllegalArgumentException(getClass().getSimpleName() + "." + op + ": actions must have shape [" + n
                    + ", " + d + "], got " + Arrays.toString(actions.shape()));
        }
        if (actions.dtype() != mean.dtype()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + "." + op + ": actions are " + actions.dtype()
                    + " but the distribution is " + mean.dtype() + "; convert with actions.to(" + mean.dtype() + ")");
        }
    }

    @Override
    public Tensor entropy() {
        Tensor perDim = logStd.add(0.5 + HALF_LOG_2PI);
        if (perDim.dim() == 1) {
            perDim = perDim.expand(n, d);
        }
        return perDim.sum(-1);
    }

    @Override
    public Tensor kl(Distribution other) {
        if (!(other instanceof DiagGaussian) || other.batchSize() != n || ((DiagGaussian) other).d != d) {
            throw new IllegalArgumentException("DiagGaussian.kl: other must be a DiagGaussian with " + n + " rows and "
                    + d + " dimensions, got " + Categorical.describe(other));
        }
        DiagGaussian q = (DiagGaussian) other;
        Tensor varP = logStd.mul(2).exp();
        Tensor varQ = q.logStd.mul(2).exp();
        Tensor diff = mean.sub(q.mean);
        Tensor perDim = q.logStd.sub(logStd).add(varP.add(diff.mul(diff)).div(varQ.mul(2))).sub(0.5);
        return perDim.sum(-1);
    }

    @Override
    public DiagGaussian detach() {
        return new DiagGaussian(mean.detach(), logStd.detach());
    }

    @Override
    public String toString() {
        return "DiagGaussian[" + n + " x " + d + "]";
    }
}
