package dev.heed.rl.ppo.internal;

import dev.heed.rl.distributions.Categorical;
import org.apiguardian.api.API;

/**
 * The PPO minibatch loss and its gradient with respect to the network outputs, written out by hand
 * for the fused path (see {@link FusedActorCritic}); the autograd path in {@link Ppo} computes the
 * same loss from tensor ops, and the tests compare the two.
 *
 * <p>Per row: {@code r = exp(log π(a|s) − log π_old(a|s))}; clip:
 * {@code −min(r·A, clip(r, 1−ε, 1+ε)·A)/B}; KL: {@code (−r·A + β·KL(π_old ‖ π))/B}; plus
 * {@code entCoef·(−H)/B} and {@code vfCoef·(R − V̂)²/B}.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FusedPpoLoss {

    static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
    static final double LOG_STD_MIN = -20;
    static final double LOG_STD_MAX = 2;

    /** Loss terms of one minibatch. */
    public double policyLoss;
    /** Mean squared value error. */
    public double valueLoss;
    /** Minus the mean entropy. */
    public double entropyLoss;
    /** Mean of {@code (r − 1) − log r}. */
    public double approxKl;
    /** Fraction of rows with {@code |r − 1| > ε}. */
    public double clipFraction;
    /** The total loss. */
    public double loss;
    /** Gradient w.r.t. the action-head outputs, {@code [B × headOut]}. */
    public float[] dOut;
    /** Gradient w.r.t. the values, {@code [B]}. */
    public float[] dValues;
    /** Gradient w.r.t. log σ, {@code [d]}, or null. */
    public float[] dLogStd;

    /**
     * Computes the loss terms and gradients.
     *
     * @param out action-head outputs {@code [B × headOut]} (logits or means)
     * @param logStd log σ values (unclamped parameter), or null for categorical
     * @param values critic outputs {@code [B]}
     * @param actions {@code [B × actDim]} stored actions (class index for categorical)
     * @param oldLogProbs {@code [B]}
     * @param adv {@code [B]} advantages (already normalised if wanted)
     * @param returns {@code [B]}
     * @param oldValues {@code [B]}
     * @param oldOut old action-head outputs {@code [B × headOut]} for the KL penalty, or null
     * @param oldLogStd old log σ, or null
     * @param clipRange ε; used for the clip fraction always and the objective when {@code beta} is NaN
     * @param beta KL coefficient for ppo-kl, or NaN for ppo-clip
     * @param clipRangeVf value clipping, 0 for none
     * @param entCoef entropy coefficient
     * @param vfCoef value coefficient
     * @return this
     */
    public FusedPpoLoss compute(float[] out, float[] logStd, float[] values, double[] actions, double[] oldLogProbs,
            double[] adv, double[] returns, double[] oldValues, float[] oldOut, float[] oldLogStd, double clipRange,
            double beta, double clipRangeVf, double entCoef, double vfCoef) {
        int b = values.length;
        int k = out.length / b;
        boolean kl = !Double.isNaN(beta);
        boolean gaussian = logStd != null;
        double lo = 1 - clipRange;
        double hi = 1 + clipRange;
        dOut = new float[out.length];
        dValues = new float[b];
        double invB = 1.0 / b;
        double pol = 0;
        double ent = 0;
        double vl = 0;
        double akl = 0;
        int clipped = 0;
        double[] lsc = null;
        double[] sig = null;
        double[] dls = null;
        double[] olsc = null;
        boolean[] lsMask = null;
        if (gaussian) {
            lsc = new double[k];
            sig = new double[k];
            dls = new double[k];
            lsMask = new boolean[k];
            for (int j = 0; j < k; j++) {
                double v = logStd[j];
                lsMask[j] = v > LOG_STD_MIN && v < LOG_STD_MAX;
                lsc[j] = Math.max(LOG_STD_MIN, Math.min(LOG_STD_MAX, v));
                sig[j] = Math.exp(lsc[j]);
            }
            if (kl) {
                olsc = new double[k];
                for (int j = 0; j < k; j++) {
                    olsc[j] = Math.max(LOG_STD_MIN, Math.min(LOG_STD_MAX, oldLogStd[j]));
                }
            }
        }
        double[] lp = new double[k];
        double[] olp = new double[k];
        for (int i = 0; i < b; i++) {
            int o = i * k;
            double logp;
            double h;
            if (gaussian) {
                logp = 0;
                h = 0;
                for (int j = 0; j < k; j++) {
                    double z = (actions[o + j] - out[o + j]) / sig[j];
                    logp += -0.5 * z * z - lsc[j] - HALF_LOG_2PI;
                    h += lsc[j] + 0.5 + HALF_LOG_2PI;
                }
            } else {
                logSoftmax(out, o, k, lp);
                logp = lp[(int) actions[i]];
                h = 0;
                for (int j = 0; j < k; j++) {
                    h -= Math.exp(lp[j]) * lp[j];
                }
            }
            double logRatio = logp - oldLogProbs[i];
            double r = Math.exp(logRatio);
            akl += (r - 1) - logRatio;
            if (Math.abs(r - 1) > clipRange) {
                clipped++;
            }
            double a = adv[i];
            double gr; // d(objective)/dr
            double klRow = 0;
            if (kl) {
                pol -= r * a;
                gr = a;
            } else {
                double s1 = r * a;
                double s2 = Math.max(lo, Math.min(hi, r)) * a;
                if (s1 <= s2) {
                    pol -= s1;
                    gr = a;
                } else {
                    pol -= s2;
                    gr = r > lo && r < hi ? a : 0;
                }
            }
            double gLogp = -invB * gr * r; // d(loss)/d(log π)
            ent -= h;
            if (gaussian) {
                for (int j = 0; j < k; j++) {
                    double z = (actions[o + j] - out[o + j]) / sig[j];
                    double dmu = gLogp * z / sig[j];
                    double dl = gLogp * (z * z - 1) - entCoef * invB;
                    if (kl) {
                        double so2 = Math.exp(2 * olsc[j]);
                        double sn2 = sig[j] * sig[j];
                        double dm = oldOut[o + j] - out[o + j];
                        klRow += lsc[j] - olsc[j] + (so2 + dm * dm) / (2 * sn2) - 0.5;
                        dmu += beta * invB * (-dm) / sn2;
                        dl += beta * invB * (1 - (so2 + dm * dm) / sn2);
                    }
                    dOut[o + j] = (float) dmu;
                    dls[j] += dl;
                }
            } else {
                int act = (int) actions[i];
                if (kl) {
                    logSoftmax(oldOut, o, k, olp);
                }
                for (int j = 0; j < k; j++) {
                    double p = Math.exp(lp[j]);
                    double d = gLogp * ((j == act ? 1 : 0) - p) + entCoef * invB * p * (lp[j] + h);
                    if (kl) {
                        double po = Math.exp(olp[j]);
                        klRow += po * (olp[j] - lp[j]);
                        d += beta * invB * (p - po);
                    }
                    dOut[o + j] = (float) d;
                }
            }
            if (kl) {
                pol += beta * klRow;
            }
            double v = values[i];
            double vPred = v;
            double vMask = 1;
            if (clipRangeVf > 0) {
                double dv = v - oldValues[i];
                if (dv <= -clipRangeVf || dv >= clipRangeVf) {
                    vMask = 0;
                }
                vPred = oldValues[i] + Math.max(-clipRangeVf, Math.min(clipRangeVf, dv));
            }
            double diff = returns[i] - vPred;
            vl += diff * diff;
            dValues[i] = (float) (-2 * vfCoef * invB * diff * vMask);
        }
        if (gaussian) {
            dLogStd = new float[k];
            for (int j = 0; j < k; j++) {
                dLogStd[j] = lsMask[j] ? (float) dls[j] : 0f;
            }
        } else {
            dLogStd = null;
        }
        policyLoss = pol * invB;
        valueLoss = vl * invB;
        entropyLoss = ent * invB;
        approxKl = akl * invB;
        clipFraction = (double) clipped / b;
        loss = policyLoss + entCoef * entropyLoss + vfCoef * valueLoss;
        return this;
    }

    /** Row-wise log-softmax of {@code x[o .. o+k)} into {@code out}. */
    static void logSoftmax(float[] x, int o, int k, double[] out) {
        double lse = Categorical.logSumExp(x, o, k);
        for (int j = 0; j < k; j++) {
            out[j] = x[o + j] - lse;
        }
    }

    /**
     * Mean KL(old ‖ new) over rows, from head outputs.
     *
     * @param oldOut old outputs
     * @param oldLogStd old log σ or null
     * @param out new outputs
     * @param logStd new log σ or null
     * @param rows number of rows
     * @return the mean KL
     */
    static double meanKl(float[] oldOut, float[] oldLogStd, float[] out, float[] logStd, int rows) {
        int k = out.length / rows;
        double sum = 0;
        if (logStd != null) {
            for (int j = 0; j < k; j++) {
                double lso = Math.max(LOG_STD_MIN, Math.min(LOG_STD_MAX, oldLogStd[j]));
                double lsn = Math.max(LOG_STD_MIN, Math.min(LOG_STD_MAX, logStd[j]));
                double so2 = Math.exp(2 * lso);
                double sn2 = Math.exp(2 * lsn);
                for (int i = 0; i < rows; i++) {
                    double dm = oldOut[i * k + j] - out[i * k + j];
                    sum += lsn - lso + (so2 + dm * dm) / (2 * sn2) - 0.5;
                }
            }
        } else {
            double[] lp = new double[k];
            double[] olp = new double[k];
            for (int i = 0; i < rows; i++) {
                logSoftmax(out, i * k, k, lp);
                logSoftmax(oldOut, i * k, k, olp);
                for (int j = 0; j < k; j++) {
                    sum += Math.exp(olp[j]) * (olp[j] - lp[j]);
                }
            }
        }
        return sum / rows;
    }
}
