package dev.heed.rl.vec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Rng;
import dev.heed.rl.env.CartPole;
import dev.heed.rl.env.Envs;
import dev.heed.rl.env.Step;
import dev.heed.rl.env.wrappers.EpisodeRecord;
import dev.heed.rl.env.wrappers.RunningMeanStd;
import dev.heed.rl.env.TimeLimit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class VectorEnvTest {

    @Test
    void perEnvSeedsComeFromRngChild() {
        try (SyncVectorEnv v = new SyncVectorEnv(3, i -> Envs.make("CartPole-v1"))) {
            double[][] obs = v.reset(42);
            for (int i = 0; i < 3; i++) {
                long seed = Rng.seeded(42).child(i).nextLong();
                assertArrayEquals(Envs.make("CartPole-v1").reset(seed), obs[i], 0.0);
            }
            assertFalse(java.util.Arrays.equals(obs[0], obs[1]));
        }
    }

    @Test
    void autoResetKeepsTheFinalObservationAndFlags() {
        // env 0 terminates on its first step (cart beyond the track), env 1 is truncated by a 2-step limit
        IntFunction<TimeLimit> f = i -> new TimeLimit(new CartPole(), i == 0 ? 500 : 2);
        try (SyncVectorEnv v = new SyncVectorEnv(2, f)) {
            v.reset(7);
            v.env(0).resetToState(new double[] {2.45, 0, 0, 0});
            CartPole reference = new CartPole();
            reference.resetToState(new double[] {2.45, 0, 0, 0});
            double[] lastObs = reference.step(1).observation();

            VecStep s = v.step(new double[][] {{1}, {1}});
            assertTrue(s.terminated()[0]);
            assertFalse(s.truncated()[0]);
            assertArrayEquals(lastObs, s.finalObservations()[0], 0.0);
            assertEquals(1.0, s.rewards()[0]);
            // the new episode's first observation replaces it, drawn from env 0's own stream
            for (double x : s.observations()[0]) {
                assertTrue(Math.abs(x) < 0.05);
            }
            assertFalse(s.done(1));
            assertNull(s.finalObservations()[1]);

            VecStep s2 = v.step(new double[][] {{0}, {0}});
            assertTrue(s2.truncated()[1]);
            assertFalse(s2.terminated()[1]);
            assertTrue(s2.finalObservations()[1] != null);
            List<EpisodeRecord> eps = v.drainEpisodes();
            assertEquals(List.of(new EpisodeRecord(0, 1.0, 1, true), new EpisodeRecord(1, 2.0, 2, false)), eps);
        }
    }

    private static List<double[]> rollout(AbstractVectorEnv v, int steps) {
        List<double[]> trace = new ArrayList<>();
        Rng policy = Rng.seeded(99);
        double[][] obs = v.reset(123);
        for (double[] o : obs) {
            trace.add(o);
        }
        for (int t = 0; t < steps; t++) {
            double[][] a = new double[v.numEnvs()][];
            for (int i = 0; i < a.length; i++) {
                a[i] = v.actionSpace().sample(policy);
            }
            VecStep s = v.step(a);
            for (int i = 0; i < a.length; i++) {
                trace.add(s.observations()[i]);
                trace.add(new double[] {s.rewards()[i], s.terminated()[i] ? 1 : 0, s.truncated()[i] ? 1 : 0});
                if (s.finalObservations()[i] != null) {
                    trace.add(s.finalObservations()[i]);
                }
            }
        }
        return trace;
    }

    @Test
    void threadedGivesExactlyTheSequentialNumbers() {
        for (String id : List.of("CartPole-v1", "Pendulum-v1")) {
            List<double[]> seq;
            try (SyncVectorEnv v = new SyncVectorEnv(5, i -> Envs.make(id))) {
                seq = rollout(v, 300);
            }
            for (int threads = 1; threads <= 3; threads++) {
                int th = threads;
                try (ThreadedVectorEnv v = new ThreadedVectorEnv(5, i -> Envs.make(id), th)) {
                    List<double[]> par = rollout(v, 300);
                    assertEquals(seq.size(), par.size());
                    for (int k = 0; k < seq.size(); k++) {
                        assertArrayEquals(seq.get(k), par.get(k), 0.0, id + " threads=" + th + " item " + k);
                    }
                }
            }
        }
    }

    @Test
    void matchesSteppingTheEnvsOneByOne() {
        try (SyncVectorEnv v = new SyncVectorEnv(2, i -> Envs.make("Pendulum-v1"))) {
            v.reset(5);
            TimeLimit e1 = Envs.make("Pendulum-v1");
            e1.reset(AbstractVectorEnv.envSeed(5, 1));
            for (int t = 0; t < 250; t++) {
                double u = Math.sin(t);
                VecStep s = v.step(new double[][] {{0.0}, {u}});
                Step ref = e1.step(new double[] {u});
                assertEquals(ref.reward(), s.rewards()[1], 0.0);
                if (ref.done()) {
                    assertTrue(s.truncated()[1]);
                    assertArrayEquals(ref.observation(), s.finalObservations()[1], 0.0);
                    assertArrayEquals(e1.reset(), s.observations()[1], 0.0);
                } else {
                    assertArrayEquals(ref.observation(), s.observations()[1], 0.0);
                }
            }
        }
    }

    @Test
    void badInputNeverStepsAnEnv() {
        try (ThreadedVectorEnv v = new ThreadedVectorEnv(3, i -> Envs.make("CartPole-v1"), 2)) {
            assertThrows(IllegalStateException.class, () -> v.step(new double[][] {{0}, {0}, {0}}));
            v.reset(1);
            double[] before = v.env(0).state();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> v.step(new double[][] {{0}, {1}}));
            assertTrue(e.getMessage().contains("one action per env (3), got 2"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> v.step(new double[][] {{0}, {1}, {2}}));
            assertTrue(e.getMessage().contains("env 2") && e.getMessage().contains("[2.0]"), e.getMessage());
            assertArrayEquals(before, v.env(0).state(), 0.0);
        }
        assertThrows(IllegalArgumentException.class, () -> new SyncVectorEnv(0, i -> new CartPole()));
        assertThrows(IllegalArgumentException.class, () -> new SyncVectorEnv(2, i -> i == 0 ? new CartPole()
                : Envs.make("Pendulum-v1")));
    }

    @Test
    void vecNormalizeFollowsStableBaselines3() {
        try (SyncVectorEnv raw = new SyncVectorEnv(2, i -> Envs.make("Pendulum-v1"));
                VecNormalize v = new VecNormalize(new SyncVectorEnv(2, i -> Envs.make("Pendulum-v1")), true, true,
                        10.0, 10.0, 0.9, 1e-8)) {
            double[][] o0 = raw.reset(3);
            RunningMeanStd obsRms = new RunningMeanStd(3);
            RunningMeanStd retRms = new RunningMeanStd(1);
            double[] ret = new double[2];
            obsRms.update(o0);
            double[][] n0 = v.reset(3);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(obsRms.normalize(o0[i], 1e-8, 10.0), n0[i], 1e-15);
            }
            for (int t = 0; t < 210; t++) {
                double[][] a = {{Math.cos(t)}, {-1.0}};
                VecStep r = raw.step(a);
                VecStep s = v.step(a);
                obsRms.update(r.observations());
                double[][] rr = new double[2][1];
                for (int i = 0; i < 2; i++) {
                    ret[i] = ret[i] * 0.9 + r.rewards()[i];
                    rr[i][0] = ret[i];
                }
                retRms.update(rr);
                for (int i = 0; i < 2; i++) {
                    assertArrayEquals(obsRms.normalize(r.observations()[i], 1e-8, 10.0), s.observations()[i], 1e-12);
                    double want = Math.max(-10, Math.min(10, r.rewards()[i] / Math.sqrt(retRms.var()[0] + 1e-8)));
                    assertEquals(want, s.rewards()[i], 1e-12);
                    if (r.done(i)) {
                        ret[i] = 0;
                        assertArrayEquals(obsRms.normalize(r.finalObservations()[i], 1e-8, 10.0),
                                s.finalObservations()[i], 1e-12);
                    }
                }
            }
            assertEquals(2, v.drainEpisodes().size(), "raw episode statistics pass through");
            RunningMeanStd saved = v.observationStatistics();
            assertArrayEquals(obsRms.mean(), saved.mean(), 1e-12);
            v.setTraining(false);
            double[] probe = {0.5, -0.5, 1.0};
            assertArrayEquals(saved.normalize(probe, 1e-8, 10.0), v.normalizeObservation(probe), 0.0);
        }
    }
}
