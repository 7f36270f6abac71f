package dev.heed.rl.trpo.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.spi.Options;
import dev.heed.rl.ActorCritic;
import dev.heed.rl.PolicyConfig;
import dev.heed.rl.PolicyStep;
import dev.heed.rl.RolloutBatch;
import dev.heed.rl.env.Box;
import dev.heed.rl.env.Discrete;
import dev.heed.rl.spi.TrainingProgress;
import dev.heed.rl.trpo.TrpoProvider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TRPO's policy step on synthetic one-step batches (a contextual bandit). */
class TrpoTest {

    private static final int N = 256;
    private static final int OBS = 3;

    private static Trpo trpo(Map<String, Object> overrides) {
        TrpoProvider p = new TrpoProvider();
        return (Trpo) p.create(Options.of(p, overrides));
    }

    private static ActorCritic policy(boolean discrete, long seed) {
        PolicyConfig cfg = PolicyConfig.defaults().withLayers(List.of(16), List.of(16)).withDtype(DType.FLOAT64);
        return ActorCritic.create(Box.uniform(-1, 1, OBS), discrete ? new Discrete(2) : Box.uniform(-2, 2, 1), cfg,
                Rng.seeded(seed));
    }

    /** Samples actions from the policy; advantage +1 for action 0 / positive actions, −1 otherwise. */
    private static RolloutBatch batch(ActorCritic pol, Rng rng, boolean equalAdvantages) {
        double[][] obs = new double[N][OBS];
        for (double[] o : obs) {
            for (int j = 0; j < OBS; j++) {
                o[j] = rng.uniform(-1, 1);
            }
        }
        PolicyStep step = pol.act(obs, rng);
        int ad = pol.actionDim();
        double[] flatObs = new double[N * OBS];
        double[] act = new double[N * ad];
        double[] adv = new double[N];
        double[] ret = new double[N];
        for (int i = 0; i < N; i++) {
            System.arraycopy(obs[i], 0, flatObs, i * OBS, OBS);
            System.arraycopy(step.actions()[i], 0, act, i * ad, ad);
            double a = step.actions()[i][0];
            boolean good = pol.isDiscrete() ? a == 0 : a > 0;
            adv[i] = equalAdvantages ? 1.5 : (good ? 1 : -1);
            ret[i] = step.values()[i] + adv[i];
        }
        return RolloutBatch.of(pol.dtype(), OBS, ad, flatObs, act, step.values(), step.logProbs(), adv, ret);
    }

    /** KL(old ‖ new) of a two-action categorical policy, by hand from log-probabilities of both actions. */
    private static double categoricalKlByHand(double[][] lpOld, double[][] lpNew) {
        double kl = 0;
        for (int i = 0; i < lpOld.length; i++) {
            for (int k = 0; k < 2; k++) {
                kl += Math.exp(lpOld[i][k]) * (lpOld[i][k] - lpNew[i][k]);
            }
        }
        return kl / lpOld.length;
    }

    private static double[][] logProbsOfBothActions(ActorCritic pol, Tensor obs) {
        double[][] out = new double[obs.size(0)][2];
        try (NoGrad ignored = NoGrad.enter()) {
            for (int k = 0; k < 2; k++) {
                double[] lp = pol.evaluate(obs, Tensor.full(DType.FLOAT64, k, obs.size(0), 1)).logProbs().toDoubleArray();
                for (int i = 0; i < lp.length; i++) {
                    out[i][k] = lp[i];
                }
            }
        }
        return out;
    }

    @Test
    void acceptedCategoricalStepStaysInsideTheTrustRegionAndImprovesTheSurrogate() {
        ActorCritic pol = policy(true, 1);
        Trpo t = trpo(Map.of("nCriticUpdates", 1));
        t.attach(pol, Rng.seeded(2));
        RolloutBatch b = batch(pol, Rng.seeded(3), false);
        double[][] before = logProbsOfBothActions(pol, b.observations());
        Map<String, Double> st = t.update(b, new TrainingProgress(N, 10 * N, 1));
        assertEquals(1.0, st.get("is_line_search_success"));
        double[][] after = logProbsOfBothActions(pol, b.observations());
        double kl = categoricalKlByHand(before, after);
        assertTrue(kl > 1e-4 && kl <= 0.01, "KL " + kl + " should be positive and at most target_kl 0.01");
        assertEquals(kl, st.get("kl_divergence_loss"), 1e-9);
        assertTrue(st.get("surrogate_improvement") > 0);
        // The rewarded action (0) became more likely on average.
        double p0Before = 0;
        double p0After = 0;
        for (int i = 0; i < N; i++) {
            p0Before += Math.exp(before[i][0]);
            p0After += Math.exp(after[i][0]);
        }
        assertTrue(p0After > p0Before);
        assertTrue(st.get("cg_iterations") >= 1 && st.get("cg_iterations") <= 15);
        assertTrue(st.get("line_search_iterations") >= 1);
    }

    @Test
    void acceptedGaussianStepRespectsASmallTrustRegion() {
        ActorCritic pol = policy(false, 4);
        Trpo t = trpo(Map.of("nCriticUpdates", 1, "targetKl", 0.002));
        t.attach(pol, Rng.seeded(5));
        RolloutBatch b = batch(pol, Rng.seeded(6), false);
        double[] muBefore;
        double lsBefore;
        try (NoGrad ignored = NoGrad.enter()) {
            muBefore = pol.evaluate(b.observations(), b.actions()).distribution().mode().toDoubleArray();
        }
        lsBefore = pol.namedParameters().get("log_std").item();
        Map<String, Double> st = t.update(b, new TrainingProgress(N, 10 * N, 1));
        assertEquals(1.0, st.get("is_line_search_success"));
        double[] muAfter;
        try (NoGrad ignored = NoGrad.enter()) {
            muAfter = pol.evaluate(b.observations(), b.actions()).distribution().mode().toDoubleArray();
        }
        double lsAfter = pol.namedParameters().get("log_std").item();
        // KL(N(μ0, σ0²) ‖ N(μ1, σ1²)) = log σ1/σ0 + (σ0² + (μ0 − μ1)²) / (2σ1²) − ½, averaged.
        double s0 = Math.exp(lsBefore);
        double s1 = Math.exp(lsAfter);
        double kl = 0;
        for (int i = 0; i < N; i++) {
            double d = muBefore[i] - muAfter[i];
            kl += Math.log(s1 / s0) + (s0 * s0 + d * d) / (2 * s1 * s1) - 0.5;
        }
        kl /= N;
        assertTrue(kl > 0 && kl <= 0.002, "KL " + kl);
    }

    @Test
    void equalAdvantagesMakeNoStepAndNoNaN() {
        ActorCritic pol = policy(true, 7);
        Trpo t = trpo(Map.of("nCriticUpdates", 1));
        t.attach(pol, Rng.seeded(8));
        RolloutBatch b = batch(pol, Rng.seeded(9), true);
        FlatParams actor = new FlatParams(pol.policyParameters());
        double[] before = actor.get();
        Map<String, Double> st = t.update(b, new TrainingProgress(N, 10 * N, 1));
        assertArrayEquals(before, actor.get(), 0.0);
        assertEquals(0.0, st.get("is_line_search_success"));
        assertEquals(0.0, st.get("surrogate_improvement"));
        for (Map.Entry<String, Double> e : st.entrySet()) {
            assertFalse(Double.isNaN(e.getValue()), e.getKey() + " is NaN");
        }
    }

    @Test
    void rejectedLineSearchRestoresTheParameters() {
        // One trial at the full quadratic-model step (no shrinking, no damping): its true KL lands just
        // above or just below δ depending on the third-order terms, so some batches are rejected. A
        // rejected update must leave the actor exactly as it was and report KL 0.
        int rejected = 0;
        for (long seed = 0; seed < 12 && rejected < 2; seed++) {
            ActorCritic pol = policy(true, 100 + seed);
            Trpo t = trpo(Map.of("nCriticUpdates", 1, "lineSearchMaxIter", 1, "lineSearchShrinkingFactor", 1.0,
                    "cgDamping", 0.0, "cgMaxSteps", 40, "targetKl", 0.05));
            t.attach(pol, Rng.seeded(11));
            RolloutBatch b = batch(pol, Rng.seeded(200 + seed), false);
            FlatParams actor = new FlatParams(pol.policyParameters());
            double[] before = actor.get();
            Map<String, Double> st = t.update(b, new TrainingProgress(N, 10 * N, 1));
            assertEquals(1.0, st.get("line_search_iterations"));
            if (st.get("is_line_search_success") == 0.0) {
                rejected++;
                assertArrayEquals(before, actor.get(), 0.0);
                assertEquals(0.0, st.get("kl_divergence_loss"));
                assertEquals(0.0, st.get("surrogate_improvement"));
            } else {
                assertTrue(st.get("kl_divergence_loss") < 0.05);
            }
        }
        assertTrue(rejected > 0, "expected at least one rejected full step among the seeds");
    }

    /** The float32 fast passes (Fisher products, critic regression) against the policy's own ops. */
    private static void fastPathMatchesTheReferencePath(boolean discrete, double cgDamping) {
        PolicyConfig cfg = PolicyConfig.defaults().withLayers(List.of(16, 16), List.of(16, 16));
        ActorCritic fastPol = ActorCritic.create(Box.uniform(-1, 1, OBS),
                discrete ? new Discrete(2) : Box.uniform(-2, 2, 1), cfg, Rng.seeded(21));
        ActorCritic refPol = ActorCritic.create(Box.uniform(-1, 1, OBS),
                discrete ? new Discrete(2) : Box.uniform(-2, 2, 1), cfg, Rng.seeded(21));
        Map<String, Object> o = Map.of("nCriticUpdates", 3, "batchSize", 64, "cgDamping", cgDamping);
        Trpo fast = trpo(o);
        Trpo ref = trpo(o);
        ref.allowFastPath(false);
        fast.attach(fastPol, Rng.seeded(22));
        ref.attach(refPol, Rng.seeded(22));
        assertTrue(fast.usesFastPath());
        assertTrue(!ref.usesFastPath());
        RolloutBatch b = batch(fastPol, Rng.seeded(23), false);
        Map<String, Double> sf = fast.update(b, new TrainingProgress(N, 10 * N, 1));
        Map<String, Double> sr = ref.update(b, new TrainingProgress(N, 10 * N, 1));
        assertEquals(sr.get("is_line_search_success"), sf.get("is_line_search_success"));
        assertEquals(sr.get("line_search_iterations"), sf.get("line_search_iterations"));
        assertEquals(sr.get("value_loss"), sf.get("value_loss"), 1e-4 * (1 + Math.abs(sr.get("value_loss"))));
        for (Map.Entry<String, Tensor> e : refPol.namedParameters().entrySet()) {
            double[] want = e.getValue().toDoubleArray();
            double[] got = fastPol.namedParameters().get(e.getKey()).toDoubleArray();
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 2e-4 * (1 + Math.abs(want[i])), e.getKey() + "[" + i + "]");
            }
        }
    }

    @Test
    void fastCategoricalUpdateMatchesTheReferencePath() {
        fastPathMatchesTheReferencePath(true, 0.1);
    }

    @Test
    void fastCategoricalUpdateMatchesTheReferencePathAtTheCartPolePresetDamping() {
        // The zoo's CartPole preset uses cg_damping 1e-3: a worse-conditioned system, where float32
        // rounding in the Fisher products is amplified most by conjugate gradient.
        fastPathMatchesTheReferencePath(true, 1e-3);
    }

    @Test
    void fastGaussianUpdateMatchesTheReferencePath() {
        fastPathMatchesTheReferencePath(false, 0.1);
    }

    @Test
    void criticLearnsTheReturns() {
        ActorCritic pol = policy(true, 13);
        Trpo t = trpo(Map.of("nCriticUpdates", 30, "batchSize", 64, "learningRate", 3e-3));
        t.attach(pol, Rng.seeded(14));
        RolloutBatch b = batch(pol, Rng.seeded(15), false);
        double first = t.update(b, new TrainingProgress(N, 10 * N, 1)).get("value_loss");
        double second = t.update(b, new TrainingProgress(2 * N, 10 * N, 2)).get("value_loss");
        assertTrue(second < first, first + " -> " + second);
    }

    @Test
    void defaultsAreSb3Contribs() {
        TrpoSettings s = trpo(Map.of()).settings();
        assertEquals(1e-3, s.learningRate());
        assertEquals(2048, s.nSteps());
        assertEquals(128, s.batchSize());
        assertEquals(0.99, s.gamma());
        assertEquals(0.95, s.gaeLambda());
        assertEquals(15, s.cgMaxSteps());
        assertEquals(0.1, s.cgDamping());
        assertEquals(0.8, s.lineSearchShrinkingFactor());
        assertEquals(10, s.lineSearchMaxIter());
        assertEquals(10, s.nCriticUpdates());
        assertTrue(s.normalizeAdvantage());
        assertEquals(0.01, s.targetKl());
        assertEquals(1, s.subSamplingFactor());
    }

    @Test
    void misuseIsReported() {
        Trpo t = trpo(Map.of());
        assertThrows(IllegalStateException.class, () -> t.update(null, null));
        ActorCritic pol = policy(true, 16);
        t.attach(pol, Rng.seeded(1));
        assertThrows(IllegalStateException.class, () -> t.attach(pol, Rng.seeded(1)));
        assertThrows(IllegalArgumentException.class, () -> t.loadStateDict(Map.of("bogus", Tensor.scalar(1))));
        Map<String, Tensor> sd = t.stateDict();
        assertTrue(sd.containsKey("n_updates"));
        TrpoProvider p = new TrpoProvider();
        assertThrows(IllegalArgumentException.class, () -> Options.of(p, Map.of("targetKl", -1.0)));
    }
}
