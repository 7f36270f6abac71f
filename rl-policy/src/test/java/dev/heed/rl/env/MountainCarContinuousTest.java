package dev.heed.rl.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MountainCarContinuousTest {

    @Test
    void oneStepByHandWithFloat32Storage() {
        MountainCarContinuous env = new MountainCarContinuous();
        env.resetToState(new double[] {-0.5, 0.0});
        Step s = env.step(new double[] {0.7});
        double v = 0.0 + 0.7 * 0.0015 - 0.0025 * Math.cos(3 * -0.5);
        double p = -0.5 + v;
        assertArrayEquals(new double[] {(float) p, (float) v}, env.state(), 0.0);
        assertArrayEquals(new double[] {(float) p, (float) v}, s.observation(), 0.0);
        assertEquals(-0.1 * 0.7 * 0.7, s.reward(), 1e-16);
        assertFalse(s.terminated());
        // Gymnasium's continuous_mountain_car.py in NumPy with a float64 action
        assertArrayEquals(new double[] {-0.4991268515586853, 0.0008731569978408515}, env.state(), 0.0);
        // the next step starts from the float32-rounded state
        Step s2 = env.step(new double[] {0.0});
        double v2 = (double) (float) v - 0.0025 * Math.cos(3 * (double) (float) p);
        assertEquals((float) v2, env.state()[1], 0.0);
        assertEquals(0.0, s2.reward(), 0.0);
    }

    @Test
    void goalIsNonStrictAndThePenaltyUsesTheUnclippedAction() {
        MountainCarContinuous env = new MountainCarContinuous();
        env.allowOutOfBoundsActions(true);
        env.resetToState(new double[] {0.44, 0.02});
        Step s = env.step(new double[] {1.5});
        assertTrue(s.terminated());
        assertEquals(100.0 - 0.1 * 1.5 * 1.5, s.reward(), 1e-13);
        double v = 0.02 + 1.0 * 0.0015 - 0.0025 * Math.cos(3 * 0.44);
        assertArrayEquals(new double[] {(float) (0.44 + v), (float) v}, env.state(), 0.0);
        // position exactly at the goal with zero velocity terminates (>=)
        MountainCarContinuous e2 = new MountainCarContinuous();
        double p = 0.45;
        double v0 = 0.0025 * Math.cos(3 * p); // cancels gravity exactly with force 0
        e2.resetToState(new double[] {p - 0.0, v0});
        Step s2 = e2.step(new double[] {0.0});
        assertEquals(0.0, e2.state()[1], 1e-18);
        assertTrue(s2.terminated(), "p >= 0.45 and v >= 0 terminate");
    }

    @Test
    void leftWallStopsTheCar() {
        MountainCarContinuous env = new MountainCarContinuous();
        env.resetToState(new double[] {-1.19, -0.05});
        env.step(new double[] {-1.0});
        assertArrayEquals(new double[] {(float) -1.2, 0.0}, env.state(), 0.0);
    }

    @Test
    void velocityIsClipped() {
        MountainCarContinuous env = new MountainCarContinuous();
        env.resetToState(new double[] {-0.52, 0.0699});
        env.step(new double[] {1.0});
        assertEquals((float) 0.07, env.state()[1], 0.0);
    }

    @Test
    void defaultRefusesOutOfBoundsAndResetIsGymnasiums() {
        MountainCarContinuous env = new MountainCarContinuous();
        env.reset(5);
        assertThrows(IllegalArgumentException.class, () -> env.step(new double[] {1.01}));
        for (long seed = 0; seed < 50; seed++) {
            env.reset(seed);
            assertTrue(env.state()[0] >= -0.6 && env.state()[0] < -0.4);
            assertEquals(0.0, env.state()[1]);
        }
    }
}
