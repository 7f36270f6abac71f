package dev.heed.rl.a2c.internal;

import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.optim.Adam;
import dev.heed.core.optim.GradClip;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.RMSprop;
import dev.heed.core.spi.Options;
import dev.heed.rl.ActorCritic;
import dev.heed.rl.Evaluation;
import dev.heed.rl.RolloutBatch;
import dev.heed.rl.spi.PolicyOptimizer;
import dev.heed.rl.spi.RolloutSettings;
import dev.heed.rl.spi.TrainingProgress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Advantage actor-critic as Stable-Baselines3's {@code A2C}: one gradient step per rollout on
 * {@code L = −mean(A·log π(a|s)) − β·mean(H(π(·|s))) + c_v·mean((R − V(s))²)}, i.e. gradient ascent on
 * the seed's {@code E[Σ γᵗ rₜ] + β·E[H(π)]} with a critic baseline; global gradient-norm clipping,
 * then RMSprop (core's, PyTorch's formula) or Adam (ε 1e-5).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class A2c implements PolicyOptimizer {

    private final double learningRate;
    private final boolean linearSchedule;
    private final RolloutSettings settings;
    private final double entCoef;
    private final double vfCoef;
    private final double maxGradNorm;
    private final boolean useRmsProp;
    private final double rmsPropAlpha;
    private final double rmsPropEps;
    private final boolean normalizeAdvantage;
    private ActorCritic policy;
    private List<Tensor> params;
    private Optimizer optimizer;
    private long nUpdates;

    /**
     * @param o validated options of {@link dev.heed.rl.a2c.A2cProvider}
     */
    public A2c(Options o) {
        Objects.requireNonNull(o, "options");
        this.learningRate = o.getDouble("learningRate");
        this.linearSchedule = o.getString("learningRateSchedule").equals("linear");
        this.settings = new RolloutSettings(o.getInt("nSteps"), o.getDouble("gamma"), o.getDouble("gaeLambda"));
        this.entCoef = o.getDouble("entCoef");
        this.vfCoef = o.getDouble("vfCoef");
        this.maxGradNorm = o.getDouble("maxGradNorm");
        this.useRmsProp = o.getBoolean("useRmsProp");
        this.rmsPropAlpha = o.getDouble("rmsPropAlpha");
        this.rmsPropEps = o.getDouble("rmsPropEps");
        this.normalizeAdvantage = o.getBoolean("normalizeAdvantage");
    }

    @Override
    public RolloutSettings rolloutSettings() {
        return settings;
    }

    @Override
    public void attach(ActorCritic policy, Rng rng) {
        Objects.requireNonNull(policy, "policy");
        if (this.policy != null) {
            throw new IllegalStateException("a2c.attach: already attached to a policy; create a new optimizer per policy");
        }
        this.policy = policy;
        this.params = policy.parameters();
        this.optimizer = useRmsProp
                ? new RMSprop(params, RMSprop.config().lr(learningRate).alpha(rmsPropAlpha).eps(rmsPropEps))
                : new Adam(params, Adam.config().lr(learningRate).eps(1e-5));
    }

    private void requireAttached(String op) {
        if (policy == null) {
            throw new IllegalStateException("a2c." + op + ": call attach(policy, rng) first");
        }
    }

    @Override
    public Map<String, Double> update(RolloutBatch batch, TrainingProgress progress) {
        requireAttached("update");
        double lr = linearSchedule ? learningRate * progress.remaining() : learningRate;
        optimizer.setLr(lr);
        Evaluation ev = policy.evaluate(batch.observations(), batch.actions());
        Tensor adv = normalizeAdvantage ? batch.normalizedAdvantages() : batch.advantages();
        Tensor policyLoss = adv.mul(ev.logProbs()).mean().neg();
        Tensor diff = batch.returns().sub(ev.values());
        Tensor valueLoss = diff.mul(diff).mean();
        Tensor entropyLoss = ev.entropy().mean().neg();
        Tensor loss = policyLoss.add(entropyLoss.mul(entCoef)).add(valueLoss.mul(vfCoef));
        optimizer.zeroGrad();
        loss.backward();
        double gradNorm = GradClip.clipGradNorm(params, maxGradNorm);
        optimizer.step();
        nUpdates++;
        Map<String, Double> stats = new LinkedHashMap<>();
        stats.put("policy_loss", policyLoss.item());
        stats.put("value_loss", valueLoss.item());
        stats.put("entropy_loss", entropyLoss.item());
        stats.put("explained_variance", batch.explainedVariance());
        stats.put("grad_norm", gradNorm);
        stats.put("learning_rate", lr);
        stats.put("n_updates", (double) nUpdates);
        Tensor logStd = policy.namedParameters().get("log_std");
        if (logStd != null) {
            try (NoGrad ignored = NoGrad.enter()) {
                stats.put("std", logStd.exp().mean().item());
            }
        }
        return stats;
    }

    @Override
    public Map<String, Tensor> stateDict() {
        requireAttached("stateDict");
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : optimizer.stateDict().entrySet()) {
            out.put("optimizer." + e.getKey(), e.getValue());
        }
        out.put("n_updates", Tensor.of(new long[] {nUpdates}, 1));
        return out;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        requireAttached("loadStateDict");
        Tensor n = state.get("n_updates");
        if (n == null || n.dtype() != DType.INT64 || n.numel() != 1) {
            throw new IllegalArgumentException("a2c.loadStateDict: expected an INT64 'n_updates' entry, got "
                    + (n == null ? "none" : n.dtype() + " of " + n.numel() + " values") + "; keys: " + state.keySet());
        }
        Map<String, Tensor> inner = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            if (e.getKey().startsWith("optimizer.")) {
                inner.put(e.getKey().substring("optimizer.".length()), e.getValue());
            } else if (!e.getKey().equals("n_updates")) {
                throw new IllegalArgumentException("a2c.loadStateDict: unexpected entry '" + e.getKey()
                        + "'; expected optimizer.* and n_updates");
            }
        }
        optimizer.loadStateDict(inner);
        nUpdates = n.toLongArray()[0];
    }
}
