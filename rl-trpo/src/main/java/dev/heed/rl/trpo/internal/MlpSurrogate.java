package dev.heed.rl.trpo.internal;

import dev.heed.rl.MlpPolicyWeights;
import dev.heed.rl.distributions.Categorical;
import dev.heed.rl.distributions.DiagGaussian;

/**
 * TRPO's surrogate {@code L = (1/N) Σ A·exp(log π(a|s) − log π_old(a|s))}, its gradient at θ_old and
 * the mean KL(π_old ‖ π), written out for a float32 SB3 {@code MlpPolicy} actor on head outputs
 * (logits or Gaussian means with a state-independent log σ, clamped as {@link DiagGaussian} does).
 * Log-densities, ratios and KL are computed in double with {@link Math#exp} and {@link Math#log},
 * so the policy step does not depend on the Vector API's transcendental functions (whose last bits
 * depend on JIT timing). Same formulas as the {@code Categorical} and {@code DiagGaussian}
 * distributions.
 *
 * <p>Not thread-safe.
 */
final class MlpSurrogate {

    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    private final MlpPolicyWeights w;
    private final float[] obs;
    private final int n;
    private final int k;
    private final double[] actions;
    private final double[] oldLogProbs;
    private final double[] adv;
    /** Old head outputs and log σ (clamped), at construction. */
    private final float[] oldOut;
    private final double[] oldLogStd;
    /** Old per-row log-probabilities of every class (categorical), for the KL. */
    private final double[] oldLogP;

    /**
     * @param w float32 actor weights; the current parameters are θ_old
     * @param obs {@code [n × obsDim]}
     * @param n rows
     * @param actions {@code [n × actDim]} (class index for categorical)
     * @param oldLogProbs {@code [n]} log-probabilities stored at collection
     * @param adv {@code [n]} advantages as the surrogate uses them
     */
    MlpSurrogate(MlpPolicyWeights w, float[] obs, int n, double[] actions, double[] oldLogProbs, double[] adv) {
        this.w = w;
        this.obs = obs;
        this.n = n;
        this.k = w.actW().size(0);
        this.actions = actions;
        this.oldLogProbs = oldLogProbs;
        this.adv = adv;
        this.oldOut = MlpFisher.headOutputs(w, obs, n);
        this.oldLogStd = logStd();
        this.oldLogP = w.discrete() ? logSoftmax(oldOut) : null;
    }

    /** @return the head outputs at the current parameters */
    float[] outputs() {
        return MlpFisher.headOutputs(w, obs, n);
    }

    /** @return the current log σ, clamped, or null for a categorical head */
    double[] logStd() {
        if (w.logStd() == null) {
            return null;
        }
        float[] ls = w.logStd().toFloatArray();
        double[] c = new double[ls.length];
        for (int j = 0; j < ls.length; j++) {
            c[j] = Math.max(DiagGaussian.LOG_STD_MIN, Math.min(DiagGaussian.LOG_STD_MAX, ls[j]));
        }
        return c;
    }

    /** @return the surrogate at θ_old */
    double surrogateAtOld() {
        return surrogate(oldOut, oldLogStd);
    }

    /**
     * @param out head outputs
     * @param logStd clamped log σ (Gaussian) or null
     * @return {@code (1/N) Σ A·r}
     */
    double surrogate(float[] out, double[] logStd) {
        double[] lp = logProbs(out, logStd);
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += adv[i] * Math.exp(lp[i] - oldLogProbs[i]);
        }
        return s / n;
    }

    /**
     * @param out head outputs
     * @param logStd clamped log σ (Gaussian) or null
     * @return mean KL(π_old ‖ π)
     */
    double meanKl(float[] out, double[] logStd) {
        double kl = 0;
        if (w.discrete()) {
            double[] lq = logSoftmax(out);
            for (int i = 0; i < n * k; i++) {
                kl += Math.exp(oldLogP[i]) * (oldLogP[i] - lq[i]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < k; j++) {
                    double vp = Math.exp(2 * oldLogStd[j]);
                    double vq = Math.exp(2 * logStd[j]);
                    double dm = (double) oldOut[i * k + j] - out[i * k + j];
                    kl += logStd[j] - oldLogStd[j] + (vp + dm * dm) / (2 * vq) - 0.5;
                }
            }
        }
        return kl / n;
    }

    /**
     * The gradient of the surrogate at θ_old.
     *
     * @param f the Fisher products built at θ_old (for its reverse pass)
     * @return the flat gradient, laid out as the actor's flat parameters
     */
    double[] gradientAtOld(MlpFisher f) {
        double[] lp = logProbs(oldOut, oldLogStd);
        float[] u = new float[n * k];
        double[] dls = oldLogStd == null ? null : new double[k];
        double[] lse = w.discrete() ? oldLogP : null;
        for (int i = 0; i < n; i++) {
            double c = adv[i] * Math.exp(lp[i] - oldLogProbs[i]) / n;
            if (w.discrete()) {
                int a = (int) actions[i];
                for (int j = 0; j < k; j++) {
                    double p = Math.exp(lse[i * k + j]);
                    u[i * k + j] = (float) (c * ((j == a ? 1 : 0) - p));
                }
            } else {
                for (int j = 0; j < k; j++) {
                    double inv = Math.exp(-2 * oldLogStd[j]);
                    double diff = actions[i * k + j] - oldOut[i * k + j];
                    u[i * k + j] = (float) (c * diff * inv);
                    dls[j] += c * (diff * diff * inv - 1);
                }
            }
        }
        double[] g = f.vjp32(u);
        if (dls != null) {
            int o = f.logStdOffset();
            float[] raw = w.logStd().toFloatArray();
            for (int j = 0; j < k; j++) {
                // The clamp passes no gradient outside its range, like torch.clamp.
                boolean inside = raw[j] >= DiagGaussian.LOG_STD_MIN && raw[j] <= DiagGaussian.LOG_STD_MAX;
                g[o + j] = inside ? dls[j] : 0;
            }
        }
        return g;
    }

    private double[] logProbs(float[] out, double[] logStd) {
        double[] lp = new double[n];
        if (w.discrete()) {
            double[] ls = logSoftmax(out);
            for (int i = 0; i < n; i++) {
                lp[i] = ls[i * k + (int) actions[i]];
            }
        } else {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < k; j++) {
                    double z = (actions[i * k + j] - out[i * k + j]) * Math.exp(-logStd[j]);
                    s += -0.5 * z * z - logStd[j] - HALF_LOG_2PI;
                }
                lp[i] = s;
            }
        }
        return lp;
    }

    private double[] logSoftmax(float[] out) {
        double[] r = new double[n * k];
        for (int i = 0; i < n; i++) {
            int o = i * k;
            double lse = Categorical.logSumExp(out, o, k);
            for (int j = 0; j < k; j++) {
                r[o + j] = out[o + j] - lse;
            }
        }
        return r;
    }
}
