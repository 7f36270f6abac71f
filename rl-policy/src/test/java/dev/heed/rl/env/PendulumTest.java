package dev.heed.rl.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PendulumTest {

    @Test
    void angleNormalisationUsesFloorModulo() {
        // θ = -3.5: θ + π = -0.3584…, floor-mod 2π gives 2π - 0.3584…, minus π gives π - 0.3584… = 2.7832…
        assertEquals(2 * Math.PI - 3.5, Pendulum.angleNormalize(-3.5), 1e-15);
        assertEquals(0.5, Pendulum.angleNormalize(0.5 + 4 * Math.PI), 1e-14);
        assertEquals(-Math.PI, Pendulum.angleNormalize(Math.PI), 1e-15);
        assertEquals(1.0, Pendulum.floorMod(-5.0, 3.0), 0.0);
        assertEquals(-2.0, Pendulum.floorMod(-5.0, -3.0), 0.0);
        assertEquals(2.0, Pendulum.floorMod(5.0, 3.0), 0.0);
    }

    @Test
    void oneStepByHand() {
        double th = -3.5;
        double thd = 0.7;
        double u = 1.3;
        Pendulum env = new Pendulum();
        env.resetToState(new double[] {th, thd});
        Step s = env.step(new double[] {u});
        // cost from the pre-step state; angle wrapped into [-π, π): -3.5 → 2π - 3.5
        double a = 2 * Math.PI - 3.5;
        double cost = a * a + 0.1 * thd * thd + 0.001 * u * u;
        assertEquals(-cost, s.reward(), 1e-14);
        // θ̈ = 3g/(2l) sinθ + 3/(m l²) u with g = 10, m = l = 1; dt = 0.05; new velocity moves θ
        double newThd = thd + (15.0 * Math.sin(th) + 3.0 * u) * 0.05;
        double newTh = th + newThd * 0.05;
        assertArrayEquals(new double[] {newTh, newThd}, env.state(), 1e-15);
        assertArrayEquals(new double[] {(float) Math.cos(newTh), (float) Math.sin(newTh), (float) newThd},
                s.observation(), 0.0);
        assertFalse(s.terminated() || s.truncated());
        // Gymnasium's pendulum.py evaluated in NumPy float64 for the same input
        assertArrayEquals(new double[] {-3.4420956289616393, 1.158087420767215}, env.state(), 1e-15);
        assertEquals(-7.796810454100328, s.reward(), 1e-14);
    }

    @Test
    void velocityIsClippedBeforeItMovesTheAngle() {
        Pendulum env = new Pendulum();
        env.resetToState(new double[] {2.0, 7.9});
        Step s = env.step(new double[] {2.0});
        assertEquals(8.0, env.state()[1], 0.0);
        assertEquals(2.0 + 8.0 * 0.05, env.state()[0], 1e-15);
        assertEquals(-(4.0 + 0.1 * 7.9 * 7.9 + 0.001 * 4.0), s.reward(), 1e-14);
    }

    @Test
    void thetaIsNotWrappedInTheState() {
        Pendulum env = new Pendulum();
        env.resetToState(new double[] {3.13, 8.0});
        env.step(new double[] {2.0});
        assertTrue(env.state()[0] > Math.PI);
    }

    @Test
    void outOfBoundsTorqueIsRefusedUnlessAllowedThenClipped() {
        Pendulum env = new Pendulum();
        env.reset(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.step(new double[] {2.5}));
        assertTrue(e.getMessage().contains("[2.5]") && e.getMessage().contains("ClipAction"), e.getMessage());
        env.allowOutOfBoundsActions(true);
        env.resetToState(new double[] {0.0, 0.0});
        Step s = env.step(new double[] {5.0});
        assertEquals(3.0 * 2.0 * 0.05, env.state()[1], 1e-15); // clipped to 2
        assertEquals(-0.001 * 4.0, s.reward(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> env.step(new double[] {Double.NaN}));
    }

    @Test
    void resetRanges() {
        Pendulum env = new Pendulum();
        for (long seed = 0; seed < 100; seed++) {
            env.reset(seed);
            double[] st = env.state();
            assertTrue(st[0] >= -Math.PI && st[0] < Math.PI);
            assertTrue(st[1] >= -1 && st[1] < 1);
        }
    }
}
