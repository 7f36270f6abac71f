package dev.heed.rl.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CartPoleTest {

    /** Barto–Sutton–Anderson cart-pole, explicit Euler, written out from the published equations. */
    private static double[] expected(double[] s, int action) {
        double g = 9.8;
        double mc = 1.0;
        double mp = 0.1;
        double l = 0.5; // half length
        double f = action == 1 ? 10.0 : -10.0;
        double tau = 0.02;
        double th = s[2];
        double thd = s[3];
        double m = mc + mp;
        // θ̈ = (g sinθ + cosθ·(−F − m_p l θ̇² sinθ)/m) / (l (4/3 − m_p cos²θ / m))
        double num = g * Math.sin(th) + Math.cos(th) * ((-f - mp * l * thd * thd * Math.sin(th)) / m);
        double thAcc = num / (l * (4.0 / 3.0 - mp * Math.cos(th) * Math.cos(th) / m));
        // ẍ = (F + m_p l (θ̇² sinθ − θ̈ cosθ)) / m
        double xAcc = (f + mp * l * (thd * thd * Math.sin(th) - thAcc * Math.cos(th))) / m;
        return new double[] {s[0] + tau * s[1], s[1] + tau * xAcc, th + tau * thd, thd + tau * thAcc};
    }

    @Test
    void oneStepMatchesTheEquationsForBothActions() {
        double[] s0 = {0.01, -0.02, 0.03, 0.04};
        for (int a = 0; a < 2; a++) {
            CartPole env = new CartPole();
            env.resetToState(s0);
            Step step = env.step(a);
            double[] want = expected(s0, a);
            assertArrayEquals(want, env.state(), 1e-14);
            for (int i = 0; i < 4; i++) {
                assertEquals((double) (float) env.state()[i], step.observation()[i], 0.0, "observation is float32");
            }
            assertEquals(1.0, step.reward());
            assertFalse(step.terminated());
            assertFalse(step.truncated());
        }
    }

    @Test
    void matchesGymnasiumFormulaEvaluatedInNumpy() {
        // Gymnasium's cartpole.py step evaluated with NumPy float64 from [0.01, -0.02, 0.03, 0.04], action 1
        CartPole env = new CartPole();
        env.resetToState(new double[] {0.01, -0.02, 0.03, 0.04});
        env.step(1);
        assertArrayEquals(new double[] {0.009600000000000001, 0.17467919574755525, 0.030799999999999998,
            -0.2430687179600081}, env.state(), 1e-15);
    }

    @Test
    void positionsUseOldVelocities() {
        CartPole env = new CartPole();
        env.resetToState(new double[] {0, 1.0, 0, 0.5});
        env.step(1);
        assertEquals(0.02 * 1.0, env.state()[0], 0.0);
        assertEquals(0.02 * 0.5, env.state()[2], 0.0);
    }

    @Test
    void thresholdsAreStrictAndTheTerminatingStepPaysOne() {
        double thr = 12 * 2 * Math.PI / 360;
        CartPole env = new CartPole();
        env.resetToState(new double[] {2.4, 0, 0, 0}); // x stays exactly 2.4: not beyond
        assertFalse(env.step(1).terminated());
        env.resetToState(new double[] {0, 0, thr, 0}); // θ stays exactly at the limit
        assertFalse(env.step(1).terminated());
        env.resetToState(new double[] {Math.nextUp(2.4), 0, 0, 0});
        Step s = env.step(0);
        assertTrue(s.terminated());
        assertEquals(1.0, s.reward());
        env.resetToState(new double[] {0, 0, -thr, -1.0});
        assertTrue(env.step(0).terminated());
    }

    @Test
    void steppingAFinishedEpisodeIsRefused() {
        CartPole env = new CartPole();
        env.resetToState(new double[] {2.5, 0, 0, 0});
        assertTrue(env.step(1).terminated());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> env.step(1));
        assertTrue(e.getMessage().contains("call reset()"), e.getMessage());
        env.reset(3);
        env.step(1);
    }

    @Test
    void badActionsNameTheValueAndTheFix() {
        CartPole env = new CartPole();
        assertTrue(assertThrows(IllegalStateException.class, () -> env.step(0)).getMessage().contains("reset"));
        env.reset(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.step(2));
        assertTrue(e.getMessage().contains("[2.0]") && e.getMessage().contains("Discrete(2)")
                && e.getMessage().contains("env.step(1)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> env.step(new double[] {0.5}));
        assertThrows(IllegalArgumentException.class, () -> env.step(new double[] {0, 1}));
        assertThrows(IllegalArgumentException.class, () -> env.step((double[]) null));
        env.step(0); // bad actions did not end or corrupt the episode
        assertThrows(IllegalArgumentException.class, () -> env.resetToState(new double[] {1, 2, 3}));
        assertThrows(IllegalArgumentException.class, () -> env.resetToState(new double[] {0, 0, Double.NaN, 0}));
    }

    @Test
    void resetIsUniformInTheGymnasiumRangeAndSeeded() {
        CartPole env = new CartPole();
        for (long seed = 0; seed < 200; seed++) {
            double[] o = env.reset(seed);
            for (double v : env.state()) {
                assertTrue(v >= -0.05 && v < 0.05, "state " + v);
            }
            assertEquals(4, o.length);
        }
        assertArrayEquals(env.reset(9), env.reset(9));
        assertFalse(java.util.Arrays.equals(env.reset(9), env.reset(10)));
    }

    @Test
    void spacesAreGymnasiums() {
        CartPole env = new CartPole();
        assertEquals(new Discrete(2), env.actionSpace());
        Box b = (Box) env.observationSpace();
        assertEquals((float) 4.8, b.high(0), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, b.high(1));
        assertEquals((float) (24 * Math.PI / 180), b.high(2), 0.0);
        assertEquals(-b.high(2), b.low(2), 0.0);
    }
}
