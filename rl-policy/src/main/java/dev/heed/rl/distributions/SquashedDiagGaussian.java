package dev.heed.rl.distributions;

import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A diagonal Gaussian followed by {@code tanh}: actions {@code a = tanh(u)}, {@code u ~ N(μ, σ²)},
 * lie in {@code (−1, 1)^d} (rescale them onto a Box's bounds). The density includes the log-det of
 * the Jacobian: {@code log p(a) = log N(u; μ, σ) − Σ_j log(1 − a_j² + ε)} with {@code ε = }{@value #EPS}
 * (as Stable-Baselines3's {@code SquashedDiagGaussianDistribution}).
 *
 * <p>{@link #logProb} receives squashed actions and recovers {@code u = atanh(a)} after clipping
 * {@code a} into {@code [−1 + ε, 1 − ε]}. {@link #kl} is exact: KL divergence is invariant under the
 * bijection {@code tanh}, so it equals the KL of the underlying Gaussians. {@link #entropy} has no
 * closed form; it returns the entropy of the underlying Gaussian (an upper bound, since
 * {@code log(1 − tanh² u) ≤ 0}), which is what an entropy bonus usually regularises.
 * {@link #mode} is {@code tanh(μ)}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class SquashedDiagGaussian implements Distribution {

    /** Guard in the log-det term and in the atanh clip. */
    public static final double EPS = 1e-6;

    private final DiagGaussian base;

    private SquashedDiagGaussian(DiagGaussian base) {
        this.base = base;
    }

    /**
     * @param mean {@code [N, d]} mean of the pre-squash Gaussian
     * @param logStd {@code [d]} or {@code [N, d]}, clamped as in {@link DiagGaussian}
     * @return the distributions
     * @throws IllegalArgumentException on shape or dtype mismatch
     */
    public static SquashedDiagGaussian of(Tensor mean, Tensor logStd) {
        return new SquashedDiagGaussian(DiagGaussian.of(mean, logStd));
    }

    /** @return the underlying (pre-squash) Gaussian */
    public DiagGaussian base() {
        return base;
    }

    @Override
    public int batchSize() {
        return base.batchSize();
    }

    @Override
    public Tensor sample(Rng rng) {
        try (NoGrad ignored = NoGrad.enter()) {
            return base.sample(rng).tanh();
        }
    }

    @Override
    public Tensor mode() {
        try (NoGrad ignored = NoGrad.enter()) {
            return base.mean().detach().tanh();
        }
    }

    @Override
    public Tensor logProb(Tensor actions) {
        base.checkActions(actions, "logProb");
        double[] a = actions.toDoubleArray();
        double[] u = new double[a.length];
        double[] logDet = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            if (!(a[i] >= -1 && a[i] <= 1)) {
                throw new IllegalArgumentException("SquashedDiagGaussian.logProb: action " + a[i]
                        + " is outside [-1, 1], the support of a tanh-squashed Gaussian; pass the squashed action, not the"
                        + " rescaled one");
            }
            double c = Math.max(-1 + EPS, Math.min(1 - EPS, a[i]));
            u[i] = 0.5 * Math.log((1 + c) / (1 - c));
            logDet[i] = Math.log(1 - a[i] * a[i] + EPS);
        }
        int n = base.batchSize();
        int d = base.actionDim();
        Tensor pre = Tensors.tensor(u, actions.dtype(), n, d);
        Tensor correction = Tensors.tensor(logDet, actions.dtype(), n, d).sum(-1);
        return base.logProb(pre).sub(correction);
    }

    /**
     * Log-density of the squashed action {@code tanh(u)} given the pre-squash sample {@code u}, with
     * the log-det computed from {@code u} (differentiable in {@code u}); avoids the precision loss of
     * {@code atanh} near ±1.
     *
     * @param preSquash {@code [N, d]} samples of the underlying Gaussian
     * @return {@code [N]} log-densities of {@code tanh(preSquash)}
     */
    public Tensor logProbFromPreSquash(Tensor preSquash) {
        base.checkActions(preSquash, "logProbFromPreSquash");
        Tensor t = preSquash.tanh();
        Tensor logDet = t.mul(t).rsub(1 + EPS).log().sum(-1);
        return base.logProb(preSquash).sub(logDet);
    }

    @Override
    public Tensor entropy() {
        return base.entropy();
    }

    @Override
    public Tensor kl(Distribution other) {
        Objects.requireNonNull(other, "other");
        if (!(other instanceof SquashedDiagGaussian)) {
            throw new IllegalArgumentException("SquashedDiagGaussian.kl: other must be a SquashedDiagGaussian, got "
                    + Categorical.describe(other));
        }
        return base.kl(((SquashedDiagGaussian) other).base);
    }

    @Override
    public SquashedDiagGaussian detach() {
        return new SquashedDiagGaussian(base.detach());
    }

    @Override
    public String toString() {
        return "SquashedDiagGaussian[" + base.batchSize() + " x " + base.actionDim() + "]";
    }
}
