package dev.heed.rl.env.wrappers;

import dev.heed.rl.env.TimeLimit;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.rl.env.Box;
import dev.heed.rl.env.CartPole;
import dev.heed.rl.env.Discrete;
import dev.heed.rl.env.Envs;
import dev.heed.rl.env.MultiDiscrete;
import dev.heed.rl.env.Pendulum;
import dev.heed.rl.env.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

class WrappersTest {

    @Test
    void timeLimitTruncatesAndRefusesFurtherSteps() {
        TimeLimit env = new TimeLimit(new CartPole(), 3);
        env.resetToState(new double[] {0, 0, 0, 0});
        assertFalse(env.step(1).truncated());
        assertFalse(env.step(0).truncated());
        Step s = env.step(1);
        assertTrue(s.truncated());
        assertFalse(s.terminated());
        assertEquals(3, env.elapsedSteps());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> env.step(1));
        assertTrue(e.getMessage().contains("TimeLimit") && e.getMessage().contains("reset()"), e.getMessage());
        env.reset(1);
        assertEquals(0, env.elapsedSteps());
        assertThrows(IllegalArgumentException.class, () -> new TimeLimit(new CartPole(), 0));
    }

    @Test
    void stateAccessGoesThroughWrappers() {
        TimeLimit env = new TimeLimit(new CartPole(), 2);
        RecordEpisodeStatistics outer = new RecordEpisodeStatistics(env);
        outer.reset(0);
        outer.step(1);
        outer.resetToState(new double[] {0.1, 0, 0, 0});
        assertEquals(0, env.elapsedSteps(), "resetToState restarts the time limit");
        assertArrayEquals(new double[] {0.1, 0, 0, 0}, outer.state(), 0.0);
        assertTrue(outer.unwrapped() instanceof CartPole);
        assertFalse(outer.step(0).truncated());
        assertTrue(outer.step(0).truncated());
        assertEquals(2, outer.lastEpisode().length());
    }

    @Test
    void timeLimitKeepsTerminationWhenBothHappen() {
        TimeLimit env = new TimeLimit(new CartPole(), 1);
        env.resetToState(new double[] {2.45, 0, 0, 0});
        Step s = env.step(1);
        assertTrue(s.terminated() && s.truncated());
    }

    @Test
    void episodeStatistics() {
        ScriptedEnv inner = new ScriptedEnv(new double[][] {{0}}, new double[] {1.5, -0.5, 2.0}, 3, new Discrete(2));
        RecordEpisodeStatistics env = new RecordEpisodeStatistics(inner, 2);
        assertNull(env.lastEpisode());
        for (int ep = 0; ep < 3; ep++) {
            env.reset();
            for (int t = 0; t < 3; t++) {
                env.step(0);
            }
        }
        assertEquals(3, env.episodeCount());
        assertEquals(new EpisodeRecord(0, 3.0, 3, true), env.lastEpisode());
        assertEquals(2, env.recentEpisodes().size());
        assertEquals(3, env.drainEpisodes().size());
        assertEquals(List.of(), env.drainEpisodes());
    }

    /** Closed form of SB3's running statistics after all samples: a prior of count c, mean 0, var 1. */
    private static double[] closedForm(double[] xs, double c) {
        int n = xs.length;
        double sum = 0;
        for (double x : xs) {
            sum += x;
        }
        double xbar = sum / n;
        double ss = 0;
        for (double x : xs) {
            ss += (x - xbar) * (x - xbar);
        }
        double mean = n * xbar / (c + n);
        double m2 = c * 1.0 + ss + xbar * xbar * c * n / (c + n);
        return new double[] {mean, m2 / (c + n), c + n};
    }

    @Test
    void runningMeanStdMatchesTheClosedFormWhateverTheBatching() {
        double[] xs = {3.0, -1.0, 4.0, 1.0, -5.0, 9.0, 2.0};
        double[] want = closedForm(xs, 1e-4);
        RunningMeanStd one = new RunningMeanStd(1);
        for (double x : xs) {
            one.update(new double[] {x});
        }
        RunningMeanStd batched = new RunningMeanStd(1);
        batched.update(new double[][] {{3.0}, {-1.0}, {4.0}});
        batched.update(new double[][] {{1.0}, {-5.0}, {9.0}, {2.0}});
        for (RunningMeanStd r : List.of(one, batched)) {
            assertEquals(want[0], r.mean()[0], 1e-12);
            assertEquals(want[1], r.var()[0], 1e-12);
            assertEquals(want[2], r.count(), 1e-12);
        }
        RunningMeanStd back = RunningMeanStd.fromArrays(batched.toArrays());
        assertArrayEquals(batched.mean(), back.mean(), 0.0);
        assertArrayEquals(batched.var(), back.var(), 0.0);
        assertEquals(batched.count(), back.count(), 0.0);
        assertThrows(IllegalArgumentException.class, () -> RunningMeanStd.fromArrays(new double[][] {{0}, {1}}));
        assertThrows(IllegalArgumentException.class, () -> one.update(new double[] {1, 2}));
    }

    @Test
    void normalizeObservationUsesStatisticsIncludingTheCurrentObservation() {
        double[][] obs = {{2.0, 10.0}, {4.0, 10.0}, {9.0, 10.0}};
        NormalizeObservation env = new NormalizeObservation(
                new ScriptedEnv(obs, new double[] {0}, 100, new Discrete(1)));
        double[] o0 = env.reset(0);
        double[] o1 = env.step(0).observation();
        double[] o2 = env.step(0).observation();
        double[] st = closedForm(new double[] {2.0, 4.0, 9.0}, 1e-4);
        assertEquals((9.0 - st[0]) / Math.sqrt(st[1] + 1e-8), o2[0], 1e-12);
        double[] st10 = closedForm(new double[] {10.0, 10.0, 10.0}, 1e-4);
        assertEquals((10.0 - st10[0]) / Math.sqrt(st10[1] + 1e-8), o2[1], 1e-12);
        double[] st0 = closedForm(new double[] {2.0}, 1e-4);
        assertEquals((2.0 - st0[0]) / Math.sqrt(st0[1] + 1e-8), o0[0], 1e-12);
        assertEquals(2, o1.length);
        // frozen statistics restored elsewhere give the same normalisation
        NormalizeObservation other = new NormalizeObservation(
                new ScriptedEnv(new double[][] {{9.0, 10.0}}, new double[] {0}, 100, new Discrete(1)));
        other.setStatistics(env.statistics());
        other.setTraining(false);
        assertArrayEquals(o2, other.reset(0), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> other.setStatistics(new RunningMeanStd(3)));
        // far outside the statistics: clipped at ±10
        NormalizeObservation far = new NormalizeObservation(
                new ScriptedEnv(new double[][] {{1e6, -1e6}}, new double[] {0}, 100, new Discrete(1)));
        far.setStatistics(env.statistics());
        far.setTraining(false);
        assertArrayEquals(new double[] {10.0, -10.0}, far.reset(0), 0.0);
    }

    @Test
    void normalizeRewardDividesByTheStdOfTheDiscountedReturn() {
        ScriptedEnv inner = new ScriptedEnv(new double[][] {{0}}, new double[] {1.0, 2.0}, 2, new Discrete(1));
        NormalizeReward env = new NormalizeReward(inner, 0.5, 10.0, 1e-8);
        env.reset();
        double r1 = env.step(0).reward();
        double r2 = env.step(0).reward(); // ends the episode: the return restarts
        env.reset();
        double r3 = env.step(0).reward();
        // returns seen: R1 = 1, R2 = 0.5·1 + 2 = 2.5, then R3 = 1 again
        // after one return the variance is ~1e-4, so 1/σ ≈ 70 is clipped to 10
        assertEquals(Math.min(10.0, 1.0 / Math.sqrt(closedForm(new double[] {1.0}, 1e-4)[1] + 1e-8)), r1, 1e-12);
        assertEquals(10.0, r1, 0.0);
        assertEquals(2.0 / Math.sqrt(closedForm(new double[] {1.0, 2.5}, 1e-4)[1] + 1e-8), r2, 1e-12);
        assertEquals(1.0 / Math.sqrt(closedForm(new double[] {1.0, 2.5, 1.0}, 1e-4)[1] + 1e-8), r3, 1e-12);
    }

    @Test
    void scaleReward() {
        ScaleReward env = new ScaleReward(new ScriptedEnv(new double[][] {{0}}, new double[] {3.0}, 5, new Discrete(1)),
                0.1);
        env.reset();
        assertEquals(0.3, env.step(0).reward(), 1e-16);
        assertThrows(IllegalArgumentException.class, () -> new ScaleReward(new CartPole(), Double.NaN));
    }

    @Test
    void clipAndRescaleActions() {
        ClipAction clip = new ClipAction(new Pendulum());
        assertFalse(clip.actionSpace().isBounded());
        assertArrayEquals(new double[] {2.0}, clip.clip(new double[] {7.0}), 0.0);
        assertArrayEquals(new double[] {-2.0}, clip.clip(new double[] {-7.0}), 0.0);
        clip.resetToState(new double[] {0, 0});
        clip.step(new double[] {100.0});
        assertEquals(3.0 * 2.0 * 0.05, clip.state()[1], 1e-15);

        RescaleAction rescale = new RescaleAction(new Pendulum());
        assertEquals(Box.uniform(-1, 1, 1), rescale.actionSpace());
        assertArrayEquals(new double[] {1.0}, rescale.toInner(new double[] {0.5}), 1e-15);
        assertArrayEquals(new double[] {-2.0}, rescale.toInner(new double[] {-1.0}), 0.0);
        assertArrayEquals(new double[] {2.0}, rescale.toInner(new double[] {1.0}), 0.0);
        RescaleAction to01 = new RescaleAction(Envs.make("MountainCarContinuous-v0"), 0.0, 1.0);
        assertArrayEquals(new double[] {-0.5}, to01.toInner(new double[] {0.25}), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> rescale.toInner(new double[] {1.5}));
        assertThrows(IllegalArgumentException.class, () -> new RescaleAction(new CartPole()));
        assertThrows(IllegalArgumentException.class, () -> new ClipAction(new CartPole()));
    }

    @Test
    void discretizeAction() {
        DiscretizeAction d = new DiscretizeAction(new Pendulum(), 5, DiscretizeAction.Mode.PER_DIMENSION);
        assertEquals(new MultiDiscrete(5), d.actionSpace());
        double[] levels = new double[5];
        for (int k = 0; k < 5; k++) {
            levels[k] = d.toContinuous(new double[] {k})[0];
        }
        assertArrayEquals(new double[] {-2, -1, 0, 1, 2}, levels, 1e-15);
        d.resetToState(new double[] {0, 0});
        d.step(new double[] {4}); // torque +2
        assertEquals(3.0 * 2.0 * 0.05, d.state()[1], 1e-15);
        assertThrows(IllegalArgumentException.class, () -> d.step(new double[] {5}));

        Box box2 = new Box(new double[] {0, -1}, new double[] {1, 1}, 2);
        ScriptedEnv inner = new ScriptedEnv(new double[][] {{0}}, new double[] {0}, 100, box2);
        DiscretizeAction joint = new DiscretizeAction(inner, 3, DiscretizeAction.Mode.JOINT);
        assertEquals(new Discrete(9), joint.actionSpace());
        // index = k0 + 3·k1: 7 → k0 = 1, k1 = 2
        assertArrayEquals(new double[] {0.5, 1.0}, joint.toContinuous(new double[] {7}), 1e-15);
        assertArrayEquals(new double[] {0.0, -1.0}, joint.toContinuous(new double[] {0}), 0.0);
        joint.reset();
        joint.step(new double[] {5});
        assertArrayEquals(new double[] {1.0, 0.0}, inner.received.get(0), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new DiscretizeAction(new Pendulum(), 1,
                DiscretizeAction.Mode.JOINT));
    }
}
