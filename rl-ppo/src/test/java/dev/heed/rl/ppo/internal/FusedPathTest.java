package dev.heed.rl.ppo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.spi.Options;
import dev.heed.rl.ActorCritic;
import dev.heed.rl.Evaluation;
import dev.heed.rl.PolicyConfig;
import dev.heed.rl.PolicyStep;
import dev.heed.rl.RolloutBatch;
import dev.heed.rl.distributions.Categorical;
import dev.heed.rl.distributions.DiagGaussian;
import dev.heed.rl.distributions.Distribution;
import dev.heed.rl.env.Box;
import dev.heed.rl.env.Discrete;
import dev.heed.rl.ppo.PpoClipProvider;
import dev.heed.rl.spi.TrainingProgress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hand-differentiated fused PPO loss must equal the same loss built from tensor ops and
 * differentiated by autograd (values and every parameter gradient).
 */
class FusedPathTest {

    private static final int B = 24;
    private static final int OBS = 3;

    @Test
    void tanhApproximationIsAccurate() {
        float[] z = new float[2001];
        for (int i = 0; i < z.length; i++) {
            z[i] = -12f + 24f * i / (z.length - 1);
        }
        float[] t = z.clone();
        FusedActorCritic.tanhInPlace(t);
        for (int i = 0; i < z.length; i++) {
            // The rational approximation's bound (Eigen's float tanh): absolute error below 2e-6.
            assertEquals(Math.tanh(z[i]), t[i], 2e-6);
        }
    }

    private static ActorCritic policy(boolean discrete, PolicyConfig.Activation act, long seed) {
        PolicyConfig cfg = PolicyConfig.defaults().withLayers(List.of(8, 8), List.of(8)).withActivation(act)
                .withLogStdInit(-0.3);
        return ActorCritic.create(Box.uniform(-1, 1, OBS), discrete ? new Discrete(3) : Box.uniform(-2, 2, 2), cfg,
                Rng.seeded(seed));
    }

    private static void compare(boolean discrete, boolean kl, double clipVf, PolicyConfig.Activation act) {
        ActorCritic pol = policy(discrete, act, 1);
        ActorCritic other = policy(discrete, act, 2);
        Rng rng = Rng.seeded(3);
        double[][] obs = new double[B][OBS];
        float[] x = new float[B * OBS];
        for (int i = 0; i < B; i++) {
            for (int j = 0; j < OBS; j++) {
                obs[i][j] = rng.uniform(-1, 1);
                x[i * OBS + j] = (float) obs[i][j];
            }
        }
        PolicyStep step = pol.act(obs, rng);
        int ad = pol.actionDim();
        double[] actions = new double[B * ad];
        double[] oldLp = new double[B];
        double[] adv = new double[B];
        double[] ret = new double[B];
        double[] oldV = new double[B];
        for (int i = 0; i < B; i++) {
            System.arraycopy(step.actions()[i], 0, actions, i * ad, ad);
            oldLp[i] = step.logProbs()[i] + rng.uniform(-0.4, 0.4); // ratios on both sides of the clip range
            adv[i] = rng.nextGaussian();
            ret[i] = rng.nextGaussian();
            oldV[i] = step.values()[i] + rng.uniform(-0.3, 0.3);
        }
        double clip = 0.2;
        double beta = kl ? 0.7 : Double.NaN;
        double entCoef = 0.05;
        double vfCoef = 0.5;
        FusedActorCritic oldNet = new FusedActorCritic(other);
        float[] oldOut = oldNet.forward(x, B, false).out;
        float[] oldLs = discrete ? null : other.namedParameters().get("log_std").toFloatArray();

        FusedActorCritic f = new FusedActorCritic(pol);
        FusedActorCritic.Pass p = f.forward(x, B, true);
        float[] ls = discrete ? null : pol.namedParameters().get("log_std").toFloatArray();
        FusedPpoLoss loss = new FusedPpoLoss().compute(p.out, ls, p.values, actions, oldLp, adv, ret, oldV, oldOut,
                oldLs, clip, beta, clipVf, entCoef, vfCoef);
        f.backward(p, loss.dOut, loss.dValues, loss.dLogStd);
        Map<String, float[]> fusedGrads = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : pol.namedParameters().entrySet()) {
            fusedGrads.put(e.getKey(), e.getValue().grad().toFloatArray());
            e.getValue().setGrad(null);
        }

        // The same loss from tensor ops, differentiated by autograd.
        Tensor obsT = pol.observations(obs);
        Tensor actT = Tensor.of(actions, B, ad).to(DType.FLOAT32);
        Evaluation ev = pol.evaluate(obsT, actT);
        Tensor advT = Tensor.of(adv, B).to(DType.FLOAT32);
        Tensor ratio = ev.logProbs().sub(Tensor.of(oldLp, B).to(DType.FLOAT32)).exp();
        Tensor policyLoss;
        if (kl) {
            Distribution old;
            try (NoGrad ignored = NoGrad.enter()) {
                Tensor o = Tensor.of(oldOut, B, oldOut.length / B);
                old = discrete ? Categorical.fromLogits(o) : DiagGaussian.of(o, Tensor.of(oldLs, oldLs.length));
            }
            policyLoss = ratio.mul(advT).mean().neg().add(old.kl(ev.distribution()).mean().mul(beta));
        } else {
            policyLoss = TensorMath.minimum(ratio.mul(advT), TensorMath.clamp(ratio, 1 - clip, 1 + clip).mul(advT))
                    .mean().neg();
        }
        Tensor v = ev.values();
        if (clipVf > 0) {
            Tensor ov = Tensor.of(oldV, B).to(DType.FLOAT32);
            v = ov.add(TensorMath.clamp(v.sub(ov), -clipVf, clipVf));
        }
        Tensor diff = Tensor.of(ret, B).to(DType.FLOAT32).sub(v);
        Tensor valueLoss = diff.mul(diff).mean();
        Tensor entropyLoss = ev.entropy().mean().neg();
        Tensor total = policyLoss.add(entropyLoss.mul(entCoef)).add(valueLoss.mul(vfCoef));
        total.backward();

        assertEquals(policyLoss.item(), loss.policyLoss, 1e-5);
        assertEquals(valueLoss.item(), loss.valueLoss, 1e-5);
        assertEquals(entropyLoss.item(), loss.entropyLoss, 1e-5);
        assertTrue(loss.clipFraction > 0 && loss.clipFraction < 1, "some ratios should be clipped");
        for (Map.Entry<String, Tensor> e : pol.namedParameters().entrySet()) {
            float[] want = e.getValue().grad().toFloatArray();
            float[] got = fusedGrads.get(e.getKey());
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 2e-5 + 1e-4 * Math.abs(want[i]), e.getKey() + "[" + i + "]");
            }
        }
    }

    @Test
    void categoricalClipMatchesAutograd() {
        compare(true, false, 0, PolicyConfig.Activation.TANH);
    }

    @Test
    void gaussianClipWithValueClippingMatchesAutograd() {
        compare(false, false, 0.1, PolicyConfig.Activation.TANH);
    }

    @Test
    void categoricalKlPenaltyMatchesAutograd() {
        compare(true, true, 0, PolicyConfig.Activation.RELU);
    }

    @Test
    void gaussianKlPenaltyMatchesAutograd() {
        compare(false, true, 0, PolicyConfig.Activation.TANH);
    }

    @Test
    void bothPathsTrainAlikeOnABandit() {
        // One full update each from identical states: the parameters end up close (float32, Adam).
        Map<String, float[]> after = new LinkedHashMap<>();
        for (boolean useFused : new boolean[] {true, false}) {
            ActorCritic pol = policy(true, PolicyConfig.Activation.TANH, 5);
            Ppo ppo = (Ppo) new PpoClipProvider().create(Options.of(new PpoClipProvider(),
                    Map.of("batchSize", 8, "nEpochs", 2)));
            ppo.allowFusedPath(useFused);
            ppo.attach(pol, Rng.seeded(6));
            assertEquals(useFused, ppo.usesFusedPath());
            Rng rng = Rng.seeded(7);
            double[][] obs = new double[B][OBS];
            double[] flat = new double[B * OBS];
            for (int i = 0; i < B; i++) {
                for (int j = 0; j < OBS; j++) {
                    obs[i][j] = rng.uniform(-1, 1);
                    flat[i * OBS + j] = obs[i][j];
                }
            }
            PolicyStep st = pol.act(obs, rng);
            double[] act = new double[B];
            double[] adv = new double[B];
            double[] ret = new double[B];
            for (int i = 0; i < B; i++) {
                act[i] = st.actions()[i][0];
                adv[i] = act[i] == 0 ? 1 : -0.5;
                ret[i] = adv[i] + st.values()[i];
            }
            RolloutBatch batch = RolloutBatch.of(DType.FLOAT32, OBS, 1, flat, act, st.values(), st.logProbs(), adv, ret);
            ppo.update(batch, new TrainingProgress(B, 10L * B, 1));
            if (after.isEmpty()) {
                for (Map.Entry<String, Tensor> e : pol.namedParameters().entrySet()) {
                    after.put(e.getKey(), e.getValue().toFloatArray());
                }
            } else {
                for (Map.Entry<String, Tensor> e : pol.namedParameters().entrySet()) {
                    float[] a = after.get(e.getKey());
                    float[] b = e.getValue().toFloatArray();
                    for (int i = 0; i < a.length; i++) {
                        assertEquals(a[i], b[i], 1e-3, e.getKey());
                    }
                }
            }
        }
    }
}
