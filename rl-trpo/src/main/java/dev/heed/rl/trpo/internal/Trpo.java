package dev.heed.rl.trpo.internal;

import dev.heed.core.Autograd;
import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.optim.Adam;
import dev.heed.rl.ActorCritic;
import dev.heed.rl.MlpPolicyWeights;
import dev.heed.rl.RolloutBatch;
import dev.heed.rl.distributions.Distribution;
import dev.heed.rl.spi.PolicyOptimizer;
import dev.heed.rl.spi.RolloutSettings;
import dev.heed.rl.spi.TrainingProgress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Trust Region Policy Optimization (Schulman et al. 2015) as sb3-contrib's {@code TRPO}.
 *
 * <p>Per rollout: surrogate {@code L(θ) = mean(r·A)}, {@code r = π_θ(a|s)/π_old(a|s)}; natural
 * direction {@code s ≈ (F + λI)⁻¹ ∇L} by conjugate gradient on exact Fisher-vector products (double
 * backprop of the mean KL(π_old ‖ π_θ)); maximal step {@code β = √(2δ / sᵀ(F + λI)s)}; backtracking
 * {@code θ = θ_old + 0.8^k·β·s} accepted at the first {@code k} with mean KL &lt; δ and a surrogate
 * strictly above {@code L(θ_old)}, otherwise the old parameters are restored. Then the critic is fitted
 * with Adam on {@code (R − V)²} for {@code nCriticUpdates} epochs of minibatches.
 *
 * <p>Not thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Trpo implements PolicyOptimizer {

    /** Below this squared residual conjugate gradient stops (sb3-contrib's residual_tol). */
    static final double CG_RESIDUAL_TOL = 1e-10;

    private final TrpoSettings s;
    private ActorCritic policy;
    private Rng rng;
    private Adam critic;
    private FlatParams actor;
    private List<Tensor> criticParams;
    private FastMlp fast;
    /** The actor's layout when Fisher-vector products can be computed analytically, else null. */
    private MlpPolicyWeights layout;
    private boolean allowFast = true;
    private long nUpdates;

    /** @param settings hyperparameters */
    public Trpo(TrpoSettings settings) {
        this.s = Objects.requireNonNull(settings, "settings");
    }

    /** @return the settings */
    public TrpoSettings settings() {
        return s;
    }

    @Override
    public RolloutSettings rolloutSettings() {
        return new RolloutSettings(s.nSteps(), s.gamma(), s.gaeLambda());
    }

    @Override
    public void attach(ActorCritic policy, Rng rng) {
        if (this.policy != null) {
            throw new IllegalStateException("trpo.attach: already attached to " + this.policy
                    + "; create a new optimizer for another policy");
        }
        this.policy = Objects.requireNonNull(policy, "policy");
        this.rng = Objects.requireNonNull(rng, "rng");
        this.actor = new FlatParams(policy.policyParameters());
        // Parameters shared with the actor (a shared trunk) are not moved by the critic: that would
        // defeat the KL constraint (sb3-contrib drops their gradients the same way).
        Map<Tensor, Boolean> actorSet = new IdentityHashMap<>();
        for (Tensor p : policy.policyParameters()) {
            actorSet.put(p, Boolean.TRUE);
        }
        List<Tensor> cp = new ArrayList<>();
        for (Tensor p : policy.valueParameters()) {
            if (!actorSet.containsKey(p)) {
                cp.add(p);
            }
        }
        if (cp.isEmpty()) {
            throw new IllegalArgumentException("trpo.attach: the critic has no parameters of its own (shared trunk "
                    + "and no value head?); TRPO fits the critic separately");
        }
        this.criticParams = List.copyOf(cp);
        this.critic = new Adam(criticParams, Adam.config().lr(s.learningRate()).eps(s.adamEps()));
        this.fast = allowFast && FastMlp.supports(policy) ? new FastMlp(policy) : null;
        this.layout = allowFast && MlpPolicyWeights.hasLayout(policy) ? MlpPolicyWeights.ofAnyDtype(policy, "trpo") : null;
    }

    /**
     * Chooses between the fast float32 passes and the policy's own tensor ops (for tests); call before
     * {@link #attach}.
     *
     * @param allow whether the fast path may be used when the policy supports it
     */
    void allowFastPath(boolean allow) {
        if (policy != null) {
            throw new IllegalStateException("trpo: choose the path before attach");
        }
        this.allowFast = allow;
    }

    /** @return whether the fast path is in use */
    boolean usesFastPath() {
        return fast != null;
    }

    private Distribution distribution(Tensor obs) {
        return fast != null ? fast.distribution(obs) : policy.distribution(obs);
    }

    private void checkAttached(String op) {
        if (policy == null) {
            throw new IllegalStateException("trpo." + op + ": not attached; call attach(policy, rng) first");
        }
    }

    /** Result of the policy step, for statistics and tests. */
    record PolicyStepResult(boolean accepted, int lineSearchIterations, double surrogateBefore, double surrogateAfter,
            double kl, int cgIterations, double cgResidual, double gradNorm) {}

    @Override
    public Map<String, Double> update(RolloutBatch batch, TrainingProgress progress) {
        checkAttached("update");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(progress, "progress");
        double lr = s.linearLearningRate() ? s.learningRate() * progress.remaining() : s.learningRate();
        critic.setLr(lr);
        RolloutBatch data = batch;
        if (s.subSamplingFactor() > 1) {
            int m = (batch.size() + s.subSamplingFactor() - 1) / s.subSamplingFactor();
            int[] idx = new int[m];
            for (int i = 0; i < m; i++) {
                idx[i] = i * s.subSamplingFactor();
            }
            data = batch.select(idx);
        }
        PolicyStepResult r = policyStep(data);
        double vLoss = fitCritic(batch);
        nUpdates++;
        Map<String, Double> st = new LinkedHashMap<>();
        st.put("policy_objective", r.surrogateAfter());
        st.put("surrogate_improvement", r.surrogateAfter() - r.surrogateBefore());
        st.put("value_loss", vLoss);
        st.put("kl_divergence_loss", r.kl());
        st.put("is_line_search_success", r.accepted() ? 1.0 : 0.0);
        st.put("line_search_iterations", (double) r.lineSearchIterations());
        st.put("cg_iterations", (double) r.cgIterations());
        st.put("cg_residual", r.cgResidual());
        st.put("explained_variance", batch.explainedVariance());
        st.put("n_updates", (double) nUpdates);
        st.put("learning_rate", lr);
        Tensor ls = policy.namedParameters().get("log_std");
        if (ls != null) {
            double m = 0;
            double[] v = ls.toDoubleArray();
            for (double x : v) {
                m += Math.exp(x);
            }
            st.put("std", m / v.length);
        }
        return st;
    }

    /** Advantages as the surrogate uses them: normalised over the batch unless disabled. */
    private Tensor advantages(RolloutBatch data) {
        if (!s.normalizeAdvantage()) {
            return data.advantages();
        }
        double[] out = advantageArray(data);
        return data.dtype() == DType.FLOAT64 ? Tensor.of(out, out.length) : Tensor.of(out, out.length).to(data.dtype());
    }

    /** {@link #advantages} as doubles, rounded to the batch dtype as the tensor is. */
    private double[] advantageValues(RolloutBatch data) {
        double[] a = s.normalizeAdvantage() ? advantageArray(data) : data.advantageArray();
        if (data.dtype() == DType.FLOAT32) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) a[i];
            }
        }
        return a;
    }

    private double[] advantageArray(RolloutBatch data) {
        double[] a = data.advantageArray();
        double mean = 0;
        for (double x : a) {
            mean += x;
        }
        mean /= a.length;
        double ss = 0;
        for (double x : a) {
            ss += (x - mean) * (x - mean);
        }
        double std = a.length > 1 ? Math.sqrt(ss / (a.length - 1)) : 0;
        double[] out = new double[a.length];
        // Equal advantages carry no signal: rounding in the mean would otherwise leave ~1e-9 noise that
        // CG rescales into a full trust-region step in a random direction.
        if (std > 1e-12 * Math.max(1, Math.abs(mean))) {
            for (int i = 0; i < a.length; i++) {
                out[i] = (a[i] - mean) / (std + 1e-8);
            }
        }
        return out;
    }

    PolicyStepResult policyStep(RolloutBatch data) {
        if (fast != null) {
            return policyStepFast(data);
        }
        Tensor obs = data.observations();
        Tensor actions = data.actions();
        Tensor oldLogProbs = data.oldLogProbs();
        Tensor adv = advantages(data);
        Distribution oldDist;
        try (NoGrad ignored = NoGrad.enter()) {
            oldDist = distribution(obs).detach();
        }
        Distribution dist = distribution(obs);
        Tensor ratio = dist.logProb(actions).sub(oldLogProbs).exp();
        Tensor surrogate = adv.mul(ratio).mean();
        double surrBefore = surrogate.item();
        Tensor[] inputs = actor.params().toArray(new Tensor[0]);
        double[] g = actor.concat(Autograd.grad(new Tensor[] {surrogate}, inputs, null, false, true));
        // The MLP actor's Fisher is applied analytically (forward- then reverse-mode pass, no tape);
        // other policies differentiate the mean KL twice.
        ConjugateGradient.Operator fvp = layout != null
                ? new MlpFisher(layout, actor, obs, s.cgDamping())
                : new FisherVectorProduct(oldDist.kl(dist).mean(), actor, s.cgDamping());
        return trustRegionStep(surrBefore, g, fvp, () -> {
            try (NoGrad ignored = NoGrad.enter()) {
                Distribution nd = distribution(obs);
                double newSurr = adv.mul(nd.logProb(actions).sub(oldLogProbs).exp()).mean().item();
                return new double[] {newSurr, oldDist.kl(nd).mean().item()};
            }
        });
    }

    /**
     * {@link #policyStep} for float32 MlpPolicy actors: the same steps on arrays (surrogate, gradient
     * and KL by {@link MlpSurrogate}, Fisher products by {@link MlpFisher}), no tape.
     */
    private PolicyStepResult policyStepFast(RolloutBatch data) {
        int n = data.size();
        float[] obs = data.observations().toFloatArray();
        MlpSurrogate sur = new MlpSurrogate(layout, obs, n, data.actions().toDoubleArray(),
                data.oldLogProbs().toDoubleArray(), advantageValues(data));
        double surrBefore = sur.surrogateAtOld();
        MlpFisher fvp = new MlpFisher(layout, actor, data.observations(), s.cgDamping());
        double[] g = sur.gradientAtOld(fvp);
        return trustRegionStep(surrBefore, g, fvp, () -> {
            float[] out = sur.outputs();
            double[] ls = sur.logStd();
            return new double[] {sur.surrogate(out, ls), sur.meanKl(out, ls)};
        });
    }

    /** The surrogate and mean KL of the actor's current parameters, {@code {surrogate, kl}}. */
    private interface Candidate {
        double[] evaluate();
    }

    /**
     * The natural-gradient step shared by both paths: conjugate gradient on the Fisher for the
     * direction, the step scaled to the KL bound, then a backtracking line search that accepts the
     * first candidate within the bound that improves the surrogate (else the old parameters stay).
     */
    private PolicyStepResult trustRegionStep(double surrBefore, double[] g, ConjugateGradient.Operator fvp,
                                             Candidate candidate) {
        double gNorm = Math.sqrt(ConjugateGradient.dot(g, g));
        if (!(gNorm > 0) || !Double.isFinite(gNorm)) {
            return new PolicyStepResult(false, 0, surrBefore, surrBefore, 0, 0, 0, gNorm);
        }
        ConjugateGradient.Result cg = ConjugateGradient.solve(fvp, g, s.cgMaxSteps(), CG_RESIDUAL_TOL);
        double[] dir = cg.x();
        double sHs = ConjugateGradient.dot(dir, fvp.apply(dir));
        if (!(sHs > 0) || !Double.isFinite(sHs)) {
            return new PolicyStepResult(false, 0, surrBefore, surrBefore, 0, cg.iterations(), cg.residualNorm(), gNorm);
        }
        double maxStep = Math.sqrt(2 * s.targetKl() / sHs);
        double[] theta0 = actor.get();
        double[] theta = new double[theta0.length];
        double coeff = 1;
        int trials = 0;
        for (int k = 0; k < s.lineSearchMaxIter(); k++) {
            trials++;
            for (int i = 0; i < theta.length; i++) {
                theta[i] = theta0[i] + coeff * maxStep * dir[i];
            }
            actor.set(theta);
            double[] r = candidate.evaluate();
            if (r[1] < s.targetKl() && r[0] > surrBefore) {
                return new PolicyStepResult(true, trials, surrBefore, r[0], r[1], cg.iterations(), cg.residualNorm(),
                        gNorm);
            }
            coeff *= s.lineSearchShrinkingFactor();
        }
        actor.set(theta0);
        return new PolicyStepResult(false, trials, surrBefore, surrBefore, 0, cg.iterations(), cg.residualNorm(), gNorm);
    }

    private double fitCritic(RolloutBatch batch) {
        if (fast != null) {
            return fitCriticFast(batch);
        }
        double sum = 0;
        int n = 0;
        for (int epoch = 0; epoch < s.nCriticUpdates(); epoch++) {
            for (RolloutBatch mb : batch.minibatches(s.batchSize(), rng)) {
                Tensor diff = mb.returns().sub(policy.value(mb.observations()));
                Tensor loss = diff.mul(diff).mean();
                critic.zeroGrad();
                loss.backward();
                critic.step();
                sum += loss.item();
                n++;
            }
        }
        critic.zeroGrad();
        for (Tensor p : actor.params()) {
            p.zeroGrad();
        }
        return sum / Math.max(1, n);
    }

    private double fitCriticFast(RolloutBatch batch) {
        int n = batch.size();
        int od = policy.observationDim();
        float[] obs = batch.observations().toFloatArray();
        double[] ret = batch.returnArray();
        double sum = 0;
        int count = 0;
        int bs = Math.min(n, s.batchSize());
        float[] xb = new float[bs * od];
        double[] rb = new double[bs];
        for (int epoch = 0; epoch < s.nCriticUpdates(); epoch++) {
            int[] perm = rng.permutation(n); // the same draws as RolloutBatch.minibatches
            for (int start = 0; start < n; start += s.batchSize()) {
                int b = Math.min(n, start + s.batchSize()) - start;
                for (int r = 0; r < b; r++) {
                    int i = perm[start + r];
                    System.arraycopy(obs, i * od, xb, r * od, od);
                    rb[r] = ret[i];
                }
                sum += fast.criticStep(xb, rb, b);
                critic.step();
                count++;
            }
        }
        critic.zeroGrad();
        return sum / Math.max(1, count);
    }

    @Override
    public Map<String, Tensor> stateDict() {
        checkAttached("stateDict");
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : critic.stateDict().entrySet()) {
            out.put("critic_adam." + e.getKey(), e.getValue());
        }
        out.put("n_updates", Tensor.scalar(DType.FLOAT64, nUpdates));
        return out;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        checkAttached("loadStateDict");
        Objects.requireNonNull(state, "state");
        if (!state.containsKey("n_updates")) {
            throw new IllegalArgumentException("trpo.loadStateDict: missing 'n_updates'; got keys " + state.keySet());
        }
        Map<String, Tensor> a = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            if (e.getKey().startsWith("critic_adam.")) {
                a.put(e.getKey().substring("critic_adam.".length()), e.getValue());
            } else if (!e.getKey().equals("n_updates")) {
                throw new IllegalArgumentException("trpo.loadStateDict: unexpected key '" + e.getKey()
                        + "'; expected 'critic_adam.*' or 'n_updates'");
            }
        }
        critic.loadStateDict(a);
        nUpdates = (long) state.get("n_updates").item();
    }
}
