package dev.heed.rl.ppo.internal;

import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.optim.Adam;
import dev.heed.core.optim.GradClip;
import dev.heed.rl.ActorCritic;
import dev.heed.rl.Evaluation;
import dev.heed.rl.RolloutBatch;
import dev.heed.rl.distributions.Distribution;
import dev.heed.rl.spi.PolicyOptimizer;
import dev.heed.rl.spi.RolloutSettings;
import dev.heed.rl.spi.TrainingProgress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Proximal Policy Optimization with either the clipped surrogate ({@code ppo-clip}, Stable-Baselines3's
 * PPO) or the adaptive KL penalty ({@code ppo-kl}, Schulman et al. 2017 section 4).
 *
 * <p>Per update: {@code nEpochs} passes over seeded-shuffled minibatches; per minibatch the loss
 * {@code L = L_policy + entCoef·(−mean H) + vfCoef·mean (R − V)²}, one Adam step after clipping the
 * global gradient norm to {@code maxGradNorm}.
 * <ul>
 *   <li>clip: {@code L_policy = −mean min(r·A, clip(r, 1−ε, 1+ε)·A)};
 *   <li>kl: {@code L_policy = −mean(r·A − β·KL(π_old ‖ π_θ))}, then {@code β} adapted from the mean
 *       KL over the whole rollout after the update.
 * </ul>
 * Not thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Ppo implements PolicyOptimizer {

    private final PpoSettings s;
    private final boolean klPenalty;
    private final AdaptiveKlCoefficient beta;
    private ActorCritic policy;
    private ActorCritic oldPolicy;
    private Rng rng;
    private Adam adam;
    private List<Tensor> params;
    private FusedActorCritic fused;
    private boolean allowFused = true;
    private long nUpdates;

    /**
     * @param settings hyperparameters
     * @param klPenalty true for ppo-kl, false for ppo-clip
     */
    public Ppo(PpoSettings settings, boolean klPenalty) {
        this.s = Objects.requireNonNull(settings, "settings");
        this.klPenalty = klPenalty;
        this.beta = klPenalty ? new AdaptiveKlCoefficient(settings.klTarget(), settings.klBeta()) : null;
    }

    /** @return the settings */
    public PpoSettings settings() {
        return s;
    }

    /** @return the current KL coefficient β (ppo-kl), NaN for ppo-clip */
    public double beta() {
        return klPenalty ? beta.beta() : Double.NaN;
    }

    @Override
    public RolloutSettings rolloutSettings() {
        return new RolloutSettings(s.nSteps(), s.gamma(), s.gaeLambda());
    }

    @Override
    public void attach(ActorCritic policy, Rng rng) {
        if (this.policy != null) {
            throw new IllegalStateException(name() + ".attach: already attached to " + this.policy
                    + "; create a new optimizer for another policy");
        }
        this.policy = Objects.requireNonNull(policy, "policy");
        this.rng = Objects.requireNonNull(rng, "rng");
        this.params = policy.parameters();
        this.adam = new Adam(params, Adam.config().lr(s.learningRate()).eps(s.adamEps()));
        this.fused = allowFused && FusedActorCritic.supports(policy) ? new FusedActorCritic(policy) : null;
        if (klPenalty && fused == null) {
            // A frozen copy gives π_old(·|s) for any minibatch; its initial weights are overwritten.
            oldPolicy = ActorCritic.create(policy.observationSpace(), policy.actionSpace(), policy.config(),
                    Rng.seeded(0));
        }
    }

    /**
     * Chooses between the fused loss/gradient path and the autograd path (for tests); call before
     * {@link #attach}.
     *
     * @param allow whether the fused path may be used when the policy supports it
     */
    void allowFusedPath(boolean allow) {
        if (policy != null) {
            throw new IllegalStateException(name() + ": choose the path before attach");
        }
        this.allowFused = allow;
    }

    /** @return whether updates run on the fused path */
    boolean usesFusedPath() {
        return fused != null;
    }

    private String name() {
        return klPenalty ? "ppo-kl" : "ppo-clip";
    }

    private void checkAttached(String op) {
        if (policy == null) {
            throw new IllegalStateException(name() + "." + op + ": not attached; call attach(policy, rng) first");
        }
    }

    @Override
    public Map<String, Double> update(RolloutBatch batch, TrainingProgress progress) {
        checkAttached("update");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(progress, "progress");
        double remaining = progress.remaining();
        double lr = s.linearLearningRate() ? s.learningRate() * remaining : s.learningRate();
        double clip = s.linearClipRange() ? s.clipRange() * remaining : s.clipRange();
        adam.setLr(lr);
        if (fused != null) {
            return updateFused(batch, lr, clip);
        }
        if (klPenalty) {
            oldPolicy.loadParameters(policy.namedParameters());
        }
        double pgSum = 0;
        double vSum = 0;
        double entSum = 0;
        double klSum = 0;
        double clipSum = 0;
        double lastLoss = Double.NaN;
        int nMb = 0;
        int nKl = 0;
        boolean stoppedEarly = false;
        int epochsRun = 0;
        outer:
        for (int epoch = 0; epoch < s.nEpochs(); epoch++) {
            epochsRun++;
            for (RolloutBatch mb : batch.minibatches(s.batchSize(), rng)) {
                Tensor obs = mb.observations();
                Evaluation ev = policy.evaluate(obs, mb.actions());
                Tensor adv = s.normalizeAdvantage() && mb.size() > 1 ? normalized(mb) : mb.advantages();
                Tensor logRatio = ev.logProbs().sub(mb.oldLogProbs());
                Tensor ratio = logRatio.exp();
                double[] lr0 = logRatio.toDoubleArray();
                double approxKl = 0;
                int clipped = 0;
                for (double x : lr0) {
                    double r = Math.exp(x);
                    approxKl += (r - 1) - x;
                    if (Math.abs(r - 1) > clip) {
                        clipped++;
                    }
                }
                approxKl /= lr0.length;
                klSum += approxKl;
                nKl++;
                clipSum += (double) clipped / lr0.length;
                Tensor policyLoss;
                if (klPenalty) {
                    Distribution old;
                    try (NoGrad ignored = NoGrad.enter()) {
                        old = oldPolicy.distribution(obs).detach();
                    }
                    Tensor kl = old.kl(ev.distribution()).mean();
                    policyLoss = ratio.mul(adv).mean().sub(kl.mul(beta.beta())).neg();
                } else {
                    Tensor surr1 = ratio.mul(adv);
                    Tensor surr2 = TensorMath.clamp(ratio, 1 - clip, 1 + clip).mul(adv);
                    policyLoss = TensorMath.minimum(surr1, surr2).mean().neg();
                }
                Tensor values = ev.values();
                if (s.clipRangeVf() > 0) {
                    Tensor old = mb.oldValues();
                    values = old.add(TensorMath.clamp(values.sub(old), -s.clipRangeVf(), s.clipRangeVf()));
                }
                Tensor diff = mb.returns().sub(values);
                Tensor valueLoss = diff.mul(diff).mean();
                Tensor entropyLoss = ev.entropy().mean().neg();
                Tensor loss = policyLoss.add(entropyLoss.mul(s.entCoef())).add(valueLoss.mul(s.vfCoef()));
                if (s.targetKl() > 0 && approxKl > 1.5 * s.targetKl()) {
                    stoppedEarly = true;
                    break outer;
                }
                adam.zeroGrad();
                loss.backward();
                GradClip.clipGradNorm(params, s.maxGradNorm());
                adam.step();
                pgSum += policyLoss.item();
                vSum += valueLoss.item();
                entSum += entropyLoss.item();
                lastLoss = loss.item();
                nMb++;
            }
        }
        nUpdates += epochsRun;
        adam.zeroGrad();
        Map<String, Double> st = new LinkedHashMap<>();
        st.put("entropy_loss", entSum / Math.max(1, nMb));
        st.put("entropy", -entSum / Math.max(1, nMb));
        st.put("policy_gradient_loss", pgSum / Math.max(1, nMb));
        st.put("value_loss", vSum / Math.max(1, nMb));
        st.put("approx_kl", klSum / Math.max(1, nKl));
        if (!klPenalty) {
            st.put("clip_fraction", clipSum / Math.max(1, nKl));
        }
        st.put("loss", lastLoss);
        return finishStats(st, batch, lr, clip, stoppedEarly, klPenalty ? meanKl(batch) : Double.NaN);
    }

    private Map<String, Double> finishStats(Map<String, Double> st, RolloutBatch batch, double lr, double clip,
            boolean stoppedEarly, double klAfter) {
        st.put("explained_variance", batch.explainedVariance());
        st.put("n_updates", (double) nUpdates);
        st.put("clip_range", clip);
        st.put("learning_rate", lr);
        st.put("early_stop", stoppedEarly ? 1.0 : 0.0);
        if (klPenalty) {
            st.put("kl", klAfter);
            st.put("kl_beta_used", beta.beta());
            st.put("kl_beta", beta.update(klAfter));
        }
        Tensor ls = policy.namedParameters().get("log_std");
        if (ls != null) {
            double[] v = ls.toDoubleArray();
            double m = 0;
            for (double x : v) {
                m += Math.exp(x);
            }
            st.put("std", m / v.length);
        }
        return st;
    }

    private Map<String, Double> updateFused(RolloutBatch batch, double lr, double clip) {
        int n = batch.size();
        int od = policy.observationDim();
        int ad = policy.actionDim();
        float[] obs = batch.observations().toFloatArray();
        double[] act = batch.actions().toDoubleArray();
        double[] oldLp = batch.oldLogProbs().toDoubleArray();
        double[] adv = batch.advantageArray();
        double[] ret = batch.returnArray();
        double[] oldV = batch.valueArray();
        int ho = fused.headOut();
        float[] oldOut = null;
        float[] oldLs = null;
        if (klPenalty) {
            oldOut = fused.forward(obs, n, false).out;
            oldLs = fused.logStd() == null ? null : fused.logStd().toFloatArray();
        }
        FusedPpoLoss lossFn = new FusedPpoLoss();
        double pgSum = 0;
        double vSum = 0;
        double entSum = 0;
        double klSum = 0;
        double clipSum = 0;
        double lastLoss = Double.NaN;
        int nMb = 0;
        int nKl = 0;
        boolean stoppedEarly = false;
        int epochsRun = 0;
        double betaNow = klPenalty ? beta.beta() : Double.NaN;
        outer:
        for (int epoch = 0; epoch < s.nEpochs(); epoch++) {
            epochsRun++;
            int[] perm = rng.permutation(n); // the same draws as RolloutBatch.minibatches
            for (int start = 0; start < n; start += s.batchSize()) {
                int b = Math.min(n, start + s.batchSize()) - start;
                float[] xb = new float[b * od];
                double[] ab = new double[b * ad];
                double[] lpb = new double[b];
                double[] advb = new double[b];
                double[] retb = new double[b];
                double[] vb = new double[b];
                float[] oob = klPenalty ? new float[b * ho] : null;
                for (int r = 0; r < b; r++) {
                    int i = perm[start + r];
                    System.arraycopy(obs, i * od, xb, r * od, od);
                    System.arraycopy(act, i * ad, ab, r * ad, ad);
                    lpb[r] = oldLp[i];
                    advb[r] = adv[i];
                    retb[r] = ret[i];
                    vb[r] = oldV[i];
                    if (oob != null) {
                        System.arraycopy(oldOut, i * ho, oob, r * ho, ho);
                    }
                }
                if (s.normalizeAdvantage() && b > 1) {
                    normalizeInPlace(advb);
                }
                FusedActorCritic.Pass p = fused.forward(xb, b, true);
                float[] ls = fused.logStd() == null ? null : fused.logStd().toFloatArray();
                lossFn.compute(p.out, ls, p.values, ab, lpb, advb, retb, vb, oob, oldLs, clip, betaNow, s.clipRangeVf(),
                        s.entCoef(), s.vfCoef());
                klSum += lossFn.approxKl;
                clipSum += lossFn.clipFraction;
                nKl++;
                if (s.targetKl() > 0 && lossFn.approxKl > 1.5 * s.targetKl()) {
                    stoppedEarly = true;
                    break outer;
                }
                fused.backward(p, lossFn.dOut, lossFn.dValues, lossFn.dLogStd);
                GradClip.clipGradNorm(params, s.maxGradNorm());
                adam.step();
                pgSum += lossFn.policyLoss;
                vSum += lossFn.valueLoss;
                entSum += lossFn.entropyLoss;
                lastLoss = lossFn.loss;
                nMb++;
            }
        }
        nUpdates += epochsRun;
        adam.zeroGrad();
        Map<String, Double> st = new LinkedHashMap<>();
        st.put("entropy_loss", entSum / Math.max(1, nMb));
        st.put("entropy", -entSum / Math.max(1, nMb));
        st.put("policy_gradient_loss", pgSum / Math.max(1, nMb));
        st.put("value_loss", vSum / Math.max(1, nMb));
        st.put("approx_kl", klSum / Math.max(1, nKl));
        if (!klPenalty) {
            st.put("clip_fraction", clipSum / Math.max(1, nKl));
        }
        st.put("loss", lastLoss);
        double klAfter = Double.NaN;
        if (klPenalty) {
            float[] newOut = fused.forward(obs, n, false).out;
            float[] newLs = fused.logStd() == null ? null : fused.logStd().toFloatArray();
            klAfter = FusedPpoLoss.meanKl(oldOut, oldLs, newOut, newLs, n);
        }
        return finishStats(st, batch, lr, clip, stoppedEarly, klAfter);
    }

    /** SB3's per-minibatch normalisation {@code (A − mean) / (std + 1e-8)}, unbiased std. */
    static void normalizeInPlace(double[] a) {
        double mean = 0;
        for (double x : a) {
            mean += x;
        }
        mean /= a.length;
        double ss = 0;
        for (double x : a) {
            ss += (x - mean) * (x - mean);
        }
        double std = Math.sqrt(ss / (a.length - 1));
        for (int i = 0; i < a.length; i++) {
            a[i] = (a[i] - mean) / (std + 1e-8);
        }
    }

    private double meanKl(RolloutBatch batch) {
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor obs = batch.observations();
            Distribution old = oldPolicy.distribution(obs);
            return old.kl(policy.distribution(obs)).mean().item();
        }
    }

    /** SB3: {@code (A − mean A) / (std A + 1e-8)} with the unbiased std, per minibatch. */
    private static Tensor normalized(RolloutBatch mb) {
        return mb.normalizedAdvantages();
    }

    @Override
    public Map<String, Tensor> stateDict() {
        checkAttached("stateDict");
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : adam.stateDict().entrySet()) {
            out.put("adam." + e.getKey(), e.getValue());
        }
        out.put("n_updates", Tensor.scalar(DType.FLOAT64, nUpdates));
        if (klPenalty) {
            out.put("kl_beta", Tensor.scalar(DType.FLOAT64, beta.beta()));
        }
        return out;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        checkAttached("loadStateDict");
        Objects.requireNonNull(state, "state");
        if (!state.containsKey("n_updates") || (klPenalty && !state.containsKey("kl_beta"))) {
            throw new IllegalArgumentException(name() + ".loadStateDict: missing 'n_updates'"
                    + (klPenalty ? " or 'kl_beta'" : "") + "; got keys " + state.keySet());
        }
        Map<String, Tensor> a = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            if (e.getKey().startsWith("adam.")) {
                a.put(e.getKey().substring(5), e.getValue());
            } else if (!e.getKey().equals("n_updates") && !e.getKey().equals("kl_beta")) {
                throw new IllegalArgumentException(name() + ".loadStateDict: unexpected key '" + e.getKey()
                        + "'; expected 'adam.*', 'n_updates'" + (klPenalty ? ", 'kl_beta'" : ""));
            }
        }
        adam.loadStateDict(a);
        nUpdates = (long) state.get("n_updates").item();
        if (klPenalty) {
            beta.setBeta(state.get("kl_beta").item());
        }
    }
}
