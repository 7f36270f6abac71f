package dev.heed.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.rl.env.Box;
import dev.heed.rl.env.Discrete;
import dev.heed.rl.env.Envs;
import dev.heed.rl.env.Space;
import dev.heed.rl.internal.FusedPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActorCriticTest {

    private static final Space CARTPOLE_OBS = Envs.make("CartPole-v1").observationSpace();

    /** W Wᵀ = g² I when rows ≤ cols, Wᵀ W = g² I otherwise (orthogonal initialisation with gain g). */
    private static void assertOrthogonal(Tensor w, double gain) {
        int rows = w.size(0);
        int cols = w.size(1);
        double[] a = w.toDoubleArray();
        int k = Math.min(rows, cols);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double dot = 0;
                if (rows <= cols) {
                    for (int c = 0; c < cols; c++) {
                        dot += a[i * cols + c] * a[j * cols + c];
                    }
                } else {
                    for (int r = 0; r < rows; r++) {
                        dot += a[r * cols + i] * a[r * cols + j];
                    }
                }
                assertEquals(i == j ? gain * gain : 0.0, dot, 1e-5 * Math.max(1, gain * gain), "entry " + i + "," + j);
            }
        }
    }

    @Test
    void defaultInitialisationUsesSb3Gains() {
        ActorCritic p = ActorCritic.create(CARTPOLE_OBS, new Discrete(2), PolicyConfig.defaults(), Rng.seeded(1));
        Map<String, Tensor> n = p.namedParameters();
        assertEquals(List.of("mlp_extractor.policy_net.0.weight", "mlp_extractor.policy_net.0.bias",
                "mlp_extractor.policy_net.2.weight", "mlp_extractor.policy_net.2.bias", "mlp_extractor.value_net.0.weight",
                "mlp_extractor.value_net.0.bias", "mlp_extractor.value_net.2.weight", "mlp_extractor.value_net.2.bias",
                "action_net.weight", "action_net.bias", "value_net.weight", "value_net.bias"), List.copyOf(n.keySet()));
        assertArrayEquals(new int[] {64, 4}, n.get("mlp_extractor.policy_net.0.weight").shape());
        assertOrthogonal(n.get("mlp_extractor.policy_net.0.weight"), Math.sqrt(2));
        assertOrthogonal(n.get("mlp_extractor.policy_net.2.weight"), Math.sqrt(2));
        assertOrthogonal(n.get("mlp_extractor.value_net.2.weight"), Math.sqrt(2));
        assertOrthogonal(n.get("action_net.weight"), 0.01);
        assertOrthogonal(n.get("value_net.weight"), 1.0);
        for (Map.Entry<String, Tensor> e : n.entrySet()) {
            if (e.getKey().endsWith("bias")) {
                assertEquals(0.0, e.getValue().abs().sum().item(), 0.0, e.getKey());
            }
        }
        ActorCritic g = ActorCritic.create(Envs.make("Pendulum-v1").observationSpace(),
                Envs.make("Pendulum-v1").actionSpace(), PolicyConfig.defaults(), Rng.seeded(1));
        assertArrayEquals(new double[] {0.0}, g.namedParameters().get("log_std").toDoubleArray(), 0.0);
        assertEquals(7, g.policyParameters().size());
        assertEquals(6, g.valueParameters().size());
    }

    @Test
    void sameSeedSameWeights() {
        ActorCritic a = ActorCritic.create(CARTPOLE_OBS, new Discrete(2), PolicyConfig.defaults(), Rng.seeded(5));
        ActorCritic b = ActorCritic.create(CARTPOLE_OBS, new Discrete(2), PolicyConfig.defaults(), Rng.seeded(5));
        for (String k : a.namedParameters().keySet()) {
            assertArrayEquals(a.namedParameters().get(k).toFloatArray(), b.namedParameters().get(k).toFloatArray(), k);
        }
    }

    @Test
    void fastTanhIsAccurate() {
        for (double x = -12; x <= 12; x += 0.001) {
            assertEquals(Math.tanh(x), FusedPolicy.tanhF((float) x), 2e-6, "x = " + x);
            assertEquals(Math.tanh(x), FusedPolicy.tanh(x), 1e-15, "x = " + x);
        }
    }

    /** The fused inference path and the differentiable tensor path agree on values and log-probabilities. */
    @Test
    void inferenceMatchesTensorPath() {
        Space pendObs = Envs.make("Pendulum-v1").observationSpace();
        Space pendAct = Envs.make("Pendulum-v1").actionSpace();
        Box box2 = Box.uniform(-1, 1, 2);
        List<ActorCritic> policies = List.of(
                ActorCritic.create(CARTPOLE_OBS, new Discrete(2), PolicyConfig.defaults(), Rng.seeded(1)),
                ActorCritic.create(CARTPOLE_OBS, new Discrete(3),
                        PolicyConfig.defaults().withSharedTrunk(true).withOrthoInit(false), Rng.seeded(2)),
                ActorCritic.create(pendObs, pendAct, PolicyConfig.defaults().withLogStdInit(-0.5), Rng.seeded(3)),
                ActorCritic.create(pendObs, box2, PolicyConfig.defaults().withLogStdMode(PolicyConfig.LogStdMode.HEAD)
                        .withActivation(PolicyConfig.Activation.RELU).withOrthoInit(false), Rng.seeded(4)),
                ActorCritic.create(pendObs, box2, PolicyConfig.defaults().withSquash(true), Rng.seeded(5)),
                ActorCritic.create(pendObs, new dev.heed.rl.env.MultiDiscrete(3, 5), PolicyConfig.defaults(), Rng.seeded(6)),
                ActorCritic.create(pendObs, pendAct, PolicyConfig.defaults().withLayers(List.of(), List.of(16)),
                        Rng.seeded(7)));
        Rng data = Rng.seeded(9);
        for (ActorCritic p : policies) {
            double[][] obs = new double[6][p.observationDim()];
            for (double[] row : obs) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = data.nextGaussian();
                }
            }
            PolicyStep s = p.inference().act(obs, Rng.seeded(11));
            Evaluation ev = p.evaluate(p.observations(obs), p.actions(s.actions()));
            double[] lp = ev.logProbs().toDoubleArray();
            double[] v = ev.values().toDoubleArray();
            for (int i = 0; i < obs.length; i++) {
                assertEquals(v[i], s.values()[i], 1e-5, p + " value " + i);
                assertEquals(lp[i], s.logProbs()[i], 2e-4, p + " logProb " + i);
            }
            PolicyStep again = p.inference().act(obs, Rng.seeded(11));
            assertArrayEquals(s.actions()[3], again.actions()[3], 0.0);
        }
    }

    @Test
    void gaussianEnvActionsAreClippedButRawActionsKept() {
        Space obsSpace = Envs.make("Pendulum-v1").observationSpace();
        ActorCritic p = ActorCritic.create(obsSpace, Envs.make("Pendulum-v1").actionSpace(),
                PolicyConfig.defaults().withLogStdInit(2.0), Rng.seeded(1));
        double[][] obs = new double[64][3];
        PolicyStep s = p.act(obs, Rng.seeded(2));
        boolean sawOutside = false;
        for (int i = 0; i < obs.length; i++) {
            double raw = s.actions()[i][0];
            double env = s.envActions()[i][0];
            assertEquals(Math.max(-2, Math.min(2, raw)), env, 0.0);
            sawOutside |= Math.abs(raw) > 2;
        }
        assertTrue(sawOutside, "σ = e² should put some samples outside [-2, 2]");
        ActorCritic sq = ActorCritic.create(obsSpace, Envs.make("Pendulum-v1").actionSpace(),
                PolicyConfig.defaults().withSquash(true), Rng.seeded(1));
        PolicyStep t = sq.act(obs, Rng.seeded(2));
        assertEquals(-2 + (t.actions()[0][0] + 1) * 2, t.envActions()[0][0], 1e-12);
    }

    @Test
    void badInputIsRejected() {
        ActorCritic p = ActorCritic.create(CARTPOLE_OBS, new Discrete(2), PolicyConfig.defaults(), Rng.seeded(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.act(new double[][] {{1, 2, 3}}, Rng.seeded(1)));
        assertTrue(e.getMessage().contains("expects 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ActorCritic.create(CARTPOLE_OBS, new Discrete(2),
                PolicyConfig.defaults().withSquash(true), Rng.seeded(1)));
        IllegalArgumentException load = assertThrows(IllegalArgumentException.class,
                () -> p.loadParameters(Map.of("action_net.weight", Tensor.zeros(2, 64))));
        assertTrue(load.getMessage().contains("missing"), load.getMessage());
    }
}
