package dev.heed.rl.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AcrobotTest {

    /**
     * Acrobot equations of motion (Sutton and Barto, "book" variant) with m = l1 = I = 1, lc = 0.5,
     * g = 9.8, using cos(x - π/2) = sin(x).
     */
    private static double[] f(double[] y, double tau) {
        double t1 = y[0];
        double t2 = y[1];
        double w1 = y[2];
        double w2 = y[3];
        double d1 = 0.25 + (1 + 0.25 + Math.cos(t2)) + 2;
        double d2 = 0.25 + 0.5 * Math.cos(t2) + 1;
        double phi2 = 0.5 * 9.8 * Math.sin(t1 + t2);
        double phi1 = -0.5 * w2 * w2 * Math.sin(t2) - w2 * w1 * Math.sin(t2) + 1.5 * 9.8 * Math.sin(t1) + phi2;
        double a2 = (tau + d2 / d1 * phi1 - 0.5 * w1 * w1 * Math.sin(t2) - phi2) / (0.25 + 1 - d2 * d2 / d1);
        double a1 = -(d2 * a2 + phi1) / d1;
        return new double[] {w1, w2, a1, a2};
    }

    private static double[] rk4(double[] y, double tau, double h) {
        double[] k1 = f(y, tau);
        double[] k2 = f(add(y, k1, h / 2), tau);
        double[] k3 = f(add(y, k2, h / 2), tau);
        double[] k4 = f(add(y, k3, h), tau);
        double[] r = new double[4];
        for (int i = 0; i < 4; i++) {
            r[i] = y[i] + h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
        }
        return r;
    }

    private static double[] add(double[] y, double[] k, double h) {
        double[] r = new double[4];
        for (int i = 0; i < 4; i++) {
            r[i] = y[i] + h * k[i];
        }
        return r;
    }

    @Test
    void oneStepIsOneRk4StepOfTheBookDynamics() {
        double[] s0 = {0.1, -0.2, 0.3, -0.4};
        for (int a = 0; a < 3; a++) {
            Acrobot env = new Acrobot();
            env.resetToState(s0);
            Step s = env.step(a);
            double[] want = rk4(s0, a - 1.0, 0.2);
            assertArrayEquals(want, env.state(), 1e-12);
            assertEquals(-1.0, s.reward());
            assertFalse(s.terminated());
            double[] st = env.state();
            assertArrayEquals(new double[] {(float) Math.cos(st[0]), (float) Math.sin(st[0]), (float) Math.cos(st[1]),
                (float) Math.sin(st[1]), (float) st[2], (float) st[3]}, s.observation(), 0.0);
        }
    }

    @Test
    void matchesGymnasiumEvaluatedInNumpy() {
        Acrobot env = new Acrobot();
        env.resetToState(new double[] {0.1, -0.2, 0.3, -0.4});
        env.step(2);
        assertArrayEquals(new double[] {0.1282116312891261, -0.211840321026976, -0.023484731535001357,
            0.28679521459777013}, env.state(), 1e-14);
    }

    @Test
    void wrapsAnglesClipsVelocitiesAndTerminatesWithZeroReward() {
        double[] s0 = {3.0, 1.0, 5.0, -3.0};
        Acrobot env = new Acrobot();
        env.resetToState(s0);
        Step s = env.step(0);
        double[] raw = rk4(s0, -1.0, 0.2);
        assertTrue(raw[0] > Math.PI, "this case must wrap");
        assertEquals(raw[0] - 2 * Math.PI, env.state()[0], 1e-12);
        assertEquals(Math.min(raw[2], 4 * Math.PI), env.state()[2], 1e-12);
        double[] st = env.state();
        assertTrue(-Math.cos(st[0]) - Math.cos(st[0] + st[1]) > 1.0);
        assertTrue(s.terminated());
        assertEquals(0.0, s.reward());
        // Gymnasium in NumPy: [-2.222896076285246, 0.22366828113571702, 5.778106780574458, -4.808963282381336]
        assertArrayEquals(new double[] {-2.222896076285246, 0.22366828113571702, 5.778106780574458,
            -4.808963282381336}, st, 1e-12);
    }

    @Test
    void velocityBounds() {
        Acrobot env = new Acrobot();
        env.resetToState(new double[] {0, 0, 4 * Math.PI, 9 * Math.PI});
        env.step(2);
        assertTrue(Math.abs(env.state()[2]) <= 4 * Math.PI && Math.abs(env.state()[3]) <= 9 * Math.PI);
    }

    @Test
    void resetIsFloat32InGymnasiumsRange() {
        Acrobot env = new Acrobot();
        for (long seed = 0; seed < 50; seed++) {
            env.reset(seed);
            for (double v : env.state()) {
                assertTrue(v >= -0.1 && v <= 0.1);
                assertEquals((float) v, v, 0.0);
            }
        }
    }
}
