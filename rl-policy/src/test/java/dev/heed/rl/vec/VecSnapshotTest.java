package dev.heed.rl.vec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Rng;
import dev.heed.rl.env.EnvSnapshot;
import dev.heed.rl.env.Envs;
import dev.heed.rl.env.wrappers.NormalizeObservation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VecSnapshotTest {

    private static List<double[]> play(VectorEnv v, int steps, long actionSeed) {
        Rng r = Rng.seeded(actionSeed);
        List<double[]> trace = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            double[][] a = new double[v.numEnvs()][];
            for (int i = 0; i < a.length; i++) {
                a[i] = new double[] {r.uniform(-2, 2)};
            }
            VecStep s = v.step(a);
            for (int i = 0; i < a.length; i++) {
                trace.add(s.observations()[i]);
                trace.add(new double[] {s.rewards()[i], s.terminated()[i] ? 1 : 0, s.truncated()[i] ? 1 : 0});
            }
        }
        return trace;
    }

    /** Restoring a snapshot into a fresh vector env (mid-episode, across time limits and resets) continues exactly. */
    @Test
    void restoredVectorEnvContinuesExactly() {
        try (VecNormalize a = new VecNormalize(new SyncVectorEnv(3, i -> Envs.make("Pendulum-v1")));
             VecNormalize b = new VecNormalize(new SyncVectorEnv(3, i -> Envs.make("Pendulum-v1")))) {
            a.reset(5);
            play(a, 150, 1);
            EnvSnapshot snap = a.snapshot();
            a.drainEpisodes();
            List<double[]> expected = play(a, 120, 2); // crosses the 200-step time limit
            b.reset(99);
            b.restore(snap);
            List<double[]> actual = play(b, 120, 2);
            assertEquals(expected.size(), actual.size());
            for (int k = 0; k < expected.size(); k++) {
                assertArrayEquals(expected.get(k), actual.get(k), 0.0, "entry " + k);
            }
            assertEquals(a.drainEpisodes(), b.drainEpisodes());
        }
    }

    @Test
    void statefulWrappersRefuseSnapshots() {
        NormalizeObservation n = new NormalizeObservation(Envs.make("CartPole-v1"));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, n::snapshot);
        assertTrue(e.getMessage().contains("VecNormalize"), e.getMessage());
    }
}
