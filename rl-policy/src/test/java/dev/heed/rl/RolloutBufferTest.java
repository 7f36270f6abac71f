package dev.heed.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.DType;
import dev.heed.core.Rng;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutBufferTest {

    /**
     * Two envs, four steps, γ = 0.9, λ = 0.8. Env 0: truncated by the time limit after step 1
     * (V(final obs) = 3 bootstraps the reward: 2 + 0.9·3 = 4.7), a new episode starts at step 2 and
     * terminates at step 3 (the last value 9 must be ignored). Env 1: one running episode,
     * bootstrapped with the last value 2. Expected values derived by hand from
     * δ_t = r_t + γV_{t+1}(1−d_{t+1}) − V_t and A_t = δ_t + γλ(1−d_{t+1})A_{t+1}.
     */
    @Test
    void gaeMatchesHandComputationWithTruncationAndTermination() {
        RolloutBuffer b = new RolloutBuffer(4, 2, 1, 1, 0.9, 0.8, DType.FLOAT64);
        double[][] obs = {{0}, {0}};
        double[][] act = {{0}, {0}};
        double[] lp = {0, 0};
        double nan = Double.NaN;
        b.add(obs, act, new double[] {1, 1}, new boolean[] {true, true}, new double[] {0.5, 0}, lp, null);
        b.add(obs, act, new double[] {2, 1}, new boolean[] {false, false}, new double[] {0.4, 0}, lp,
                new double[] {3.0, nan});
        b.add(obs, act, new double[] {0.5, 1}, new boolean[] {true, false}, new double[] {0.2, 0}, lp, null);
        b.add(obs, act, new double[] {1, 1}, new boolean[] {false, false}, new double[] {0.1, 0}, lp, null);
        assertTrue(b.isFull());
        b.computeReturnsAndAdvantages(new double[] {9.0, 2.0}, new boolean[] {true, false});
        RolloutBatch batch = b.batch();
        double[] adv = batch.advantageArray();
        double[] ret = batch.returnArray();
        // rows are step-major: (t0,e0), (t0,e1), (t1,e0), ...
        double a3 = 1 - 0.1;
        double a2 = 0.5 + 0.9 * 0.1 - 0.2 + 0.9 * 0.8 * a3;
        double a1 = 2 + 0.9 * 3.0 - 0.4;
        double a0 = 1 + 0.9 * 0.4 - 0.5 + 0.9 * 0.8 * a1;
        double[] env0 = {a0, a1, a2, a3};
        double b3 = 1 + 0.9 * 2.0;
        double b2 = 1 + 0.72 * b3;
        double b1 = 1 + 0.72 * b2;
        double b0 = 1 + 0.72 * b1;
        double[] env1 = {b0, b1, b2, b3};
        double[] v0 = {0.5, 0.4, 0.2, 0.1};
        for (int t = 0; t < 4; t++) {
            assertEquals(env0[t], adv[2 * t], 1e-12, "env 0 step " + t);
            assertEquals(env1[t], adv[2 * t + 1], 1e-12, "env 1 step " + t);
            assertEquals(env0[t] + v0[t], ret[2 * t], 1e-12);
            assertEquals(env1[t], ret[2 * t + 1], 1e-12);
        }
        assertEquals(3.956, adv[0], 1e-12);
        assertEquals(4.7, b.rewards()[2], 1e-12);
    }

    @Test
    void minibatchesCoverEveryRowOnceInASeededOrder() {
        RolloutBuffer b = new RolloutBuffer(5, 2, 1, 1, 0.99, 0.95, DType.FLOAT32);
        for (int t = 0; t < 5; t++) {
            b.add(new double[][] {{2 * t}, {2 * t + 1}}, new double[][] {{0}, {1}}, new double[] {1, 1},
                    new boolean[] {t == 0, t == 0}, new double[] {0, 0}, new double[] {0, 0}, null);
        }
        b.computeReturnsAndAdvantages(new double[] {0, 0}, new boolean[] {false, false});
        RolloutBatch batch = b.batch();
        List<RolloutBatch> mb = batch.minibatches(4, Rng.seeded(7));
        assertEquals(3, mb.size());
        assertEquals(2, mb.get(2).size());
        int[] seen = new int[10];
        StringBuilder order = new StringBuilder();
        for (RolloutBatch m : mb) {
            for (double o : m.observations().toDoubleArray()) {
                seen[(int) o]++;
                order.append((int) o).append(' ');
            }
        }
        int[] ones = new int[10];
        Arrays.fill(ones, 1);
        assertArrayEquals(ones, seen);
        StringBuilder again = new StringBuilder();
        for (RolloutBatch m : batch.minibatches(4, Rng.seeded(7))) {
            for (double o : m.observations().toDoubleArray()) {
                again.append((int) o).append(' ');
            }
        }
        assertEquals(order.toString(), again.toString());
        StringBuilder other = new StringBuilder();
        for (RolloutBatch m : batch.minibatches(4, Rng.seeded(8))) {
            for (double o : m.observations().toDoubleArray()) {
                other.append((int) o).append(' ');
            }
        }
        assertNotEquals(order.toString(), other.toString());
    }

    @Test
    void normalizedAdvantagesHaveZeroMeanAndUnitStd() {
        double[] adv = {1, 2, 3, 4};
        RolloutBatch b = RolloutBatch.of(DType.FLOAT64, 1, 1, new double[4], new double[4], new double[4], new double[4],
                adv, new double[4]);
        double[] z = b.normalizedAdvantages().toDoubleArray();
        double sd = Math.sqrt((2.25 + 0.25 + 0.25 + 2.25) / 3); // unbiased, as torch.std
        assertEquals((1 - 2.5) / (sd + 1e-8), z[0], 1e-12);
        assertEquals((4 - 2.5) / (sd + 1e-8), z[3], 1e-12);
        assertEquals(1 - 0.0 / 1.0, RolloutBatch.explainedVariance(new double[] {1, 2, 3}, new double[] {1, 2, 3}), 0);
        assertEquals(0.0, RolloutBatch.explainedVariance(new double[] {2, 2, 2}, new double[] {1, 2, 3}), 1e-12);
    }

    @Test
    void misuseIsReported() {
        RolloutBuffer b = new RolloutBuffer(1, 1, 2, 1, 0.99, 0.95, DType.FLOAT32);
        IllegalStateException e = assertThrows(IllegalStateException.class, b::batch);
        assertTrue(e.getMessage().contains("computeReturnsAndAdvantages"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.add(new double[][] {{1}}, new double[][] {{0}},
                new double[] {0}, new boolean[] {true}, new double[] {0}, new double[] {0}, null));
        b.add(new double[][] {{1, 2}}, new double[][] {{0}}, new double[] {0}, new boolean[] {true}, new double[] {0},
                new double[] {0}, null);
        assertThrows(IllegalStateException.class, () -> b.add(new double[][] {{1, 2}}, new double[][] {{0}},
                new double[] {0}, new boolean[] {true}, new double[] {0}, new double[] {0}, null));
        assertThrows(IllegalArgumentException.class, () -> new RolloutBuffer(4, 1, 1, 1, 1.5, 0.95, DType.FLOAT32));
    }
}
