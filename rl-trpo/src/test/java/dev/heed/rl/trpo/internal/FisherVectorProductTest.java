package dev.heed.rl.trpo.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heed.core.Autograd;
import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Fisher-vector product by double backprop against the analytic Fisher JᵀMJ of tiny linear
 * policies, and against finite differences of the KL gradient.
 */
class FisherVectorProductTest {

    private static final int N = 5; // states
    private static final int D = 3; // state features
    private static final int A = 2; // action dimensions / categories (3 for categorical)

    private static double[][] states(Rng rng) {
        double[][] s = new double[N][D];
        for (double[] row : s) {
            for (int j = 0; j < D; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        return s;
    }

    private static Tensor toTensor(double[][] s) {
        double[] flat = new double[s.length * s[0].length];
        for (int i = 0; i < s.length; i++) {
            System.arraycopy(s[i], 0, flat, i * s[0].length, s[0].length);
        }
        return Tensor.of(flat, s.length, s[0].length);
    }

    private static double[] randomVector(Rng rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    // ---- diagonal Gaussian: mu = S W^T + b, state-independent log sigma -----------------------

    private static final class Gaussian {
        final Tensor w = Tensor.zeros(DType.FLOAT64, A, D).requiresGrad(true);
        final Tensor b = Tensor.zeros(DType.FLOAT64, A).requiresGrad(true);
        final Tensor logStd = Tensor.zeros(DType.FLOAT64, A).requiresGrad(true);
        final FlatParams flat = new FlatParams(List.of(w, b, logStd));
        final Tensor s;
        Tensor muOld;
        Tensor logStdOld;

        Gaussian(double[][] states, double[] theta) {
            s = toTensor(states);
            flat.set(theta);
            muOld = mu().detach();
            logStdOld = logStd.detach().copy();
        }

        Tensor mu() {
            return s.matmul(w.t()).add(b);
        }

        Tensor meanKl() {
            Tensor varOld = logStdOld.mul(2).exp();
            Tensor diff = muOld.sub(mu());
            Tensor kl = logStd.sub(logStdOld)
                    .add(varOld.add(diff.mul(diff)).div(logStd.mul(2).exp().mul(2)))
                    .sub(0.5);
            return kl.sum(1).mean();
        }
    }

    /** (1/N) Σ_n J_nᵀ diag(1/σ², 2) J_n v with J_n written out from μ = W s + b. */
    private static double[] analyticGaussianFisher(double[][] s, double[] theta, double[] v) {
        double[] out = new double[v.length];
        int bOff = A * D;
        int lOff = bOff + A;
        for (double[] sn : s) {
            for (int i = 0; i < A; i++) {
                double sigma2 = Math.exp(2 * theta[lOff + i]);
                double jv = v[bOff + i];
                for (int j = 0; j < D; j++) {
                    jv += v[i * D + j] * sn[j];
                }
                double m = jv / sigma2;
                for (int j = 0; j < D; j++) {
                    out[i * D + j] += m * sn[j] / N;
                }
                out[bOff + i] += m / N;
                out[lOff + i] += 2 * v[lOff + i] / N;
            }
        }
        return out;
    }

    @Test
    void gaussianFvpEqualsAnalyticFisher() {
        Rng rng = Rng.seeded(1);
        double[][] s = states(rng);
        double[] theta = randomVector(rng, A * D + 2 * A);
        theta[A * D] = 0.3; // bias
        theta[A * D + A] = -0.4; // log sigma_0
        theta[A * D + A + 1] = 0.2; // log sigma_1
        Gaussian g = new Gaussian(s, theta);
        FisherVectorProduct fvp = new FisherVectorProduct(g.meanKl(), g.flat, 0.0);
        assertArrayEquals(new double[g.flat.size()], fvp.klGradient(), 1e-12, "KL gradient vanishes at θ_old");
        for (int trial = 0; trial < 3; trial++) {
            double[] v = randomVector(rng, g.flat.size());
            assertArrayEquals(analyticGaussianFisher(s, theta, v), fvp.apply(v), 1e-8);
        }
        assertEquals(3, fvp.products());
    }

    @Test
    void dampingAddsAMultipleOfTheVector() {
        Rng rng = Rng.seeded(2);
        double[][] s = states(rng);
        double[] theta = randomVector(rng, A * D + 2 * A);
        Gaussian g = new Gaussian(s, theta);
        FisherVectorProduct fvp = new FisherVectorProduct(g.meanKl(), g.flat, 0.1);
        double[] v = randomVector(rng, g.flat.size());
        double[] expect = analyticGaussianFisher(s, theta, v);
        for (int i = 0; i < v.length; i++) {
            expect[i] += 0.1 * v[i];
        }
        assertArrayEquals(expect, fvp.apply(v), 1e-8);
    }

    // ---- categorical: logits = S W^T + b --------------------------------------------------------

    private static final int K = 3;

    private static final class Categorical {
        final Tensor w = Tensor.zeros(DType.FLOAT64, K, D).requiresGrad(true);
        final Tensor b = Tensor.zeros(DType.FLOAT64, K).requiresGrad(true);
        final FlatParams flat = new FlatParams(List.of(w, b));
        final Tensor s;
        Tensor logPOld;

        Categorical(double[][] states, double[] theta) {
            s = toTensor(states);
            flat.set(theta);
            logPOld = logits().logSoftmax(1).detach();
        }

        Tensor logits() {
            return s.matmul(w.t()).add(b);
        }

        Tensor meanKl() {
            Tensor pOld = logPOld.exp();
            return pOld.mul(logPOld.sub(logits().logSoftmax(1))).sum(1).mean();
        }
    }

    /** (1/N) Σ_n J_nᵀ (diag p − p pᵀ) J_n v for logits z = W s + b. */
    private static double[] analyticCategoricalFisher(double[][] s, double[] theta, double[] v) {
        double[] out = new double[v.length];
        int bOff = K * D;
        for (double[] sn : s) {
            double[] z = new double[K];
            double[] jv = new double[K];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < K; k++) {
                z[k] = theta[bOff + k];
                jv[k] = v[bOff + k];
                for (int j = 0; j < D; j++) {
                    z[k] += theta[k * D + j] * sn[j];
                    jv[k] += v[k * D + j] * sn[j];
                }
                max = Math.max(max, z[k]);
            }
            double norm = 0;
            double[] p = new double[K];
            for (int k = 0; k < K; k++) {
                p[k] = Math.exp(z[k] - max);
                norm += p[k];
            }
            double pjv = 0;
            for (int k = 0; k < K; k++) {
                p[k] /= norm;
                pjv += p[k] * jv[k];
            }
            for (int k = 0; k < K; k++) {
                double m = p[k] * jv[k] - p[k] * pjv;
                for (int j = 0; j < D; j++) {
                    out[k * D + j] += m * sn[j] / N;
                }
                out[bOff + k] += m / N;
            }
        }
        return out;
    }

    @Test
    void categoricalFvpEqualsAnalyticFisher() {
        Rng rng = Rng.seeded(3);
        double[][] s = states(rng);
        double[] theta = randomVector(rng, K * D + K);
        Categorical c = new Categorical(s, theta);
        FisherVectorProduct fvp = new FisherVectorProduct(c.meanKl(), c.flat, 0.0);
        for (int trial = 0; trial < 3; trial++) {
            double[] v = randomVector(rng, c.flat.size());
            assertArrayEquals(analyticCategoricalFisher(s, theta, v), fvp.apply(v), 1e-8);
        }
    }

    // ---- finite differences of the KL gradient, away from θ_old -------------------------------

    private static double[] klGradientAt(Categorical c, double[] theta) {
        c.flat.set(theta);
        Tensor[] g = Autograd.grad(c.meanKl(), c.w, c.b);
        return c.flat.concat(g);
    }

    @Test
    void fvpEqualsFiniteDifferencesOfTheGradientAwayFromTheOldPolicy() {
        Rng rng = Rng.seeded(4);
        double[][] s = states(rng);
        double[] thetaOld = randomVector(rng, K * D + K);
        Categorical c = new Categorical(s, thetaOld);
        double[] theta = thetaOld.clone();
        for (int i = 0; i < theta.length; i++) {
            theta[i] += 0.3 * rng.nextGaussian(); // the Hessian here is not the Fisher any more
        }
        c.flat.set(theta);
        double[] v = randomVector(rng, c.flat.size());
        double[] hv = new FisherVectorProduct(c.meanKl(), c.flat, 0.0).apply(v);
        double eps = 1e-5;
        double[] plus = theta.clone();
        double[] minus = theta.clone();
        for (int i = 0; i < v.length; i++) {
            plus[i] += eps * v[i];
            minus[i] -= eps * v[i];
        }
        double[] gp = klGradientAt(c, plus);
        double[] gm = klGradientAt(c, minus);
        double[] fd = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            fd[i] = (gp[i] - gm[i]) / (2 * eps);
        }
        assertArrayEquals(fd, hv, 1e-7);
    }

    @Test
    void gaussianFvpEqualsFiniteDifferences() {
        Rng rng = Rng.seeded(5);
        double[][] s = states(rng);
        double[] thetaOld = randomVector(rng, A * D + 2 * A);
        Gaussian g = new Gaussian(s, thetaOld);
        double[] theta = thetaOld.clone();
        for (int i = 0; i < theta.length; i++) {
            theta[i] += 0.2 * rng.nextGaussian();
        }
        g.flat.set(theta);
        double[] v = randomVector(rng, g.flat.size());
        double[] hv = new FisherVectorProduct(g.meanKl(), g.flat, 0.0).apply(v);
        double eps = 1e-5;
        double[] fd = new double[v.length];
        for (int sign = -1; sign <= 1; sign += 2) {
            double[] th = theta.clone();
            for (int i = 0; i < v.length; i++) {
                th[i] += sign * eps * v[i];
            }
            g.flat.set(th);
            double[] grad = g.flat.concat(Autograd.grad(g.meanKl(), g.w, g.b, g.logStd));
            for (int i = 0; i < v.length; i++) {
                fd[i] += sign * grad[i] / (2 * eps);
            }
        }
        assertArrayEquals(fd, hv, 1e-6);
    }

    @Test
    void solvingWithTheFisherRecoversTheDirection() {
        // CG on the exact FVP: F x = F v must give back v (F is SPD with damping).
        Rng rng = Rng.seeded(6);
        double[][] s = states(rng);
        Gaussian g = new Gaussian(s, randomVector(rng, A * D + 2 * A));
        FisherVectorProduct fvp = new FisherVectorProduct(g.meanKl(), g.flat, 1e-3);
        double[] v = randomVector(rng, g.flat.size());
        ConjugateGradient.Result r = ConjugateGradient.solve(fvp, fvp.apply(v), 50, 1e-24);
        assertArrayEquals(v, r.x(), 1e-6);
    }

    @Test
    void rejectsBadInput() {
        Gaussian g = new Gaussian(states(Rng.seeded(7)), new double[A * D + 2 * A]);
        assertThrows(IllegalArgumentException.class, () -> new FisherVectorProduct(g.mu(), g.flat, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new FisherVectorProduct(g.meanKl(), g.flat, -1));
        FisherVectorProduct fvp = new FisherVectorProduct(g.meanKl(), g.flat, 0.1);
        assertThrows(IllegalArgumentException.class, () -> fvp.apply(new double[3]));
        assertThrows(IllegalArgumentException.class, () -> new FlatParams(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new FlatParams(List.of(Tensor.arange(3))));
    }
}
