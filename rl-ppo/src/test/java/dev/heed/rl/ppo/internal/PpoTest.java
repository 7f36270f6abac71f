package dev.heed.rl.ppo.internal;

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
import dev.heed.rl.ppo.PpoClipProvider;
import dev.heed.rl.ppo.PpoKlProvider;
import dev.heed.rl.spi.PolicyOptimizerProvider;
import dev.heed.rl.spi.TrainingProgress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PPO updates on synthetic one-step batches (a contextual bandit). */
class PpoTest {

    private static final int N = 128;
    private static final int OBS = 3;

    private static Ppo ppo(PolicyOptimizerProvider p, Map<String, Object> overrides) {
        return (Ppo) p.create(Options.of(p, overrides));
    }

    private static ActorCritic policy(boolean discrete, long seed) {
        PolicyConfig cfg = PolicyConfig.defaults().withLayers(List.of(16), List.of(16)).withDtype(DType.FLOAT64);
        return ActorCritic.create(Box.uniform(-1, 1, OBS), discrete ? new Discrete(2) : Box.uniform(-2, 2, 1), cfg,
                Rng.seeded(seed));
    }

    private static RolloutBatch batch(ActorCritic pol, Rng rng) {
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
            adv[i] = (pol.isDiscrete() ? a == 0 : a > 0) ? 1 : -1;
            ret[i] = step.values()[i] + adv[i];
        }
        return RolloutBatch.of(pol.dtype(), OBS, ad, flatObs, act, step.values(), step.logProbs(), adv, ret);
    }

    private static double meanProbOfAction0(ActorCritic pol, Tensor obs) {
        try (NoGrad ignored = NoGrad.enter()) {
            double[] lp = pol.evaluate(obs, Tensor.zeros(DType.FLOAT64, obs.size(0), 1)).logProbs().toDoubleArray();
            double s = 0;
            for (double x : lp) {
                s += Math.exp(x);
            }
            return s / lp.length;
        }
    }

    @Test
    void clipUpdateFavoursTheRewardedActionAndReportsStatistics() {
        ActorCritic pol = policy(true, 1);
        Ppo p = ppo(new PpoClipProvider(), Map.of("batchSize", 32, "nEpochs", 4, "learningRate", 3e-3));
        p.attach(pol, Rng.seeded(2));
        RolloutBatch b = batch(pol, Rng.seeded(3));
        double before = meanProbOfAction0(pol, b.observations());
        Map<String, Double> st = p.update(b, new TrainingProgress(N, 10 * N, 1));
        assertTrue(meanProbOfAction0(pol, b.observations()) > before + 0.01);
        for (String k : List.of("entropy_loss", "entropy", "policy_gradient_loss", "value_loss", "approx_kl",
                "clip_fraction", "loss", "explained_variance", "n_updates", "clip_range", "learning_rate")) {
            assertTrue(st.containsKey(k), k);
            assertFalse(Double.isNaN(st.get(k)), k);
        }
        assertTrue(st.get("approx_kl") >= 0);
        assertTrue(st.get("clip_fraction") >= 0 && st.get("clip_fraction") <= 1);
        assertEquals(4.0, st.get("n_updates"));
        // Entropy of a two-action categorical is at most log 2.
        assertTrue(st.get("entropy") > 0 && st.get("entropy") <= Math.log(2) + 1e-12);
    }

    @Test
    void linearSchedulesScaleWithRemainingProgress() {
        ActorCritic pol = policy(true, 4);
        Ppo p = ppo(new PpoClipProvider(), Map.of("learningRate", 1e-3, "learningRateSchedule", "linear",
                "clipRange", 0.2, "clipRangeSchedule", "linear", "nEpochs", 1));
        p.attach(pol, Rng.seeded(5));
        Map<String, Double> st = p.update(batch(pol, Rng.seeded(6)), new TrainingProgress(250, 1000, 1));
        assertEquals(0.75e-3, st.get("learning_rate"), 1e-15);
        assertEquals(0.15, st.get("clip_range"), 1e-15);
    }

    @Test
    void targetKlStopsTheEpochsEarly() {
        ActorCritic pol = policy(true, 7);
        Ppo p = ppo(new PpoClipProvider(), Map.of("batchSize", 16, "nEpochs", 50, "learningRate", 1e-2,
                "targetKl", 1e-4));
        p.attach(pol, Rng.seeded(8));
        Map<String, Double> st = p.update(batch(pol, Rng.seeded(9)), new TrainingProgress(N, 10 * N, 1));
        assertEquals(1.0, st.get("early_stop"));
        assertTrue(st.get("n_updates") < 50);
    }

    @Test
    void klVariantAdaptsBetaByThePaperRule() {
        ActorCritic pol = policy(false, 10);
        Ppo p = ppo(new PpoKlProvider(), Map.of("batchSize", 32, "nEpochs", 3, "klTarget", 0.01, "klBeta", 1.0));
        p.attach(pol, Rng.seeded(11));
        double beta = 1.0;
        for (int it = 1; it <= 3; it++) {
            Map<String, Double> st = p.update(batch(pol, Rng.seeded(20 + it)), new TrainingProgress(it * N, 10 * N, it));
            double d = st.get("kl");
            assertTrue(d >= 0);
            assertEquals(beta, st.get("kl_beta_used"));
            double expected = d < 0.01 / 1.5 ? beta / 2 : d > 0.015 ? beta * 2 : beta;
            assertEquals(expected, st.get("kl_beta"));
            beta = expected;
            assertFalse(st.containsKey("clip_fraction"));
        }
        assertEquals(beta, p.beta());
        Map<String, Tensor> sd = p.stateDict();
        assertEquals(beta, sd.get("kl_beta").item());
    }

    @Test
    void klVariantLearnsTheRewardedAction() {
        ActorCritic pol = policy(true, 12);
        Ppo p = ppo(new PpoKlProvider(), Map.of("batchSize", 32, "nEpochs", 4, "learningRate", 3e-3));
        p.attach(pol, Rng.seeded(13));
        RolloutBatch b = batch(pol, Rng.seeded(14));
        double before = meanProbOfAction0(pol, b.observations());
        p.update(b, new TrainingProgress(N, 10 * N, 1));
        assertTrue(meanProbOfAction0(pol, b.observations()) > before + 0.01);
    }

    @Test
    void stateDictRoundTripsAndMisuseIsReported() {
        Ppo p = ppo(new PpoClipProvider(), Map.of());
        assertThrows(IllegalStateException.class, () -> p.update(null, null));
        assertThrows(IllegalStateException.class, p::stateDict);
        ActorCritic pol = policy(true, 15);
        p.attach(pol, Rng.seeded(1));
        assertThrows(IllegalStateException.class, () -> p.attach(pol, Rng.seeded(1)));
        p.update(batch(pol, Rng.seeded(16)), new TrainingProgress(N, 10 * N, 1));
        Map<String, Tensor> sd = p.stateDict();
        Ppo q = ppo(new PpoClipProvider(), Map.of());
        q.attach(policy(true, 15), Rng.seeded(1));
        q.loadStateDict(sd);
        assertEquals(sd.get("n_updates").item(), q.stateDict().get("n_updates").item());
        assertThrows(IllegalArgumentException.class, () -> q.loadStateDict(Map.of("bogus", Tensor.scalar(1))));
    }

    @Test
    void defaultsAreSb3s() {
        PpoSettings s = ppo(new PpoClipProvider(), Map.of()).settings();
        assertEquals(3e-4, s.learningRate());
        assertEquals(2048, s.nSteps());
        assertEquals(64, s.batchSize());
        assertEquals(10, s.nEpochs());
        assertEquals(0.99, s.gamma());
        assertEquals(0.95, s.gaeLambda());
        assertEquals(0.2, s.clipRange());
        assertEquals(0.0, s.clipRangeVf());
        assertTrue(s.normalizeAdvantage());
        assertEquals(0.0, s.entCoef());
        assertEquals(0.5, s.vfCoef());
        assertEquals(0.5, s.maxGradNorm());
        assertEquals(0.0, s.targetKl());
        assertEquals(1e-5, s.adamEps());
        PpoSettings k = ppo(new PpoKlProvider(), Map.of()).settings();
        assertEquals(0.01, k.klTarget());
        assertEquals(1.0, k.klBeta());
        assertThrows(IllegalArgumentException.class,
                () -> Options.of(new PpoKlProvider(), Map.of("klBeta", 0.0)));
    }
}
