package dev.heed.rl.vec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heed.rl.env.Envs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several vector envs (threaded ones, each with its own worker pool, normalised and not) stepped
 * from several threads at once produce exactly the trajectories that one synchronous vector env
 * produces alone: envs share no state. Fixed work, no timing assertions.
 */
class VectorEnvConcurrencyTest {

    private static final int THREADS = 4;
    private static final int STEPS = 400;
    private static final String[] IDS = {"CartPole-v1", "Pendulum-v1", "Acrobot-v1", "MountainCarContinuous-v0"};

    /** A deterministic action for env i at step s, valid in the env's action space. */
    private static double[][] actions(String id, int n, int s) {
        double[][] a = new double[n][1];
        for (int i = 0; i < n; i++) {
            int k = (s * 7 + i * 3) % 5;
            switch (id) {
                case "CartPole-v1": a[i][0] = k % 2; break;
                case "Acrobot-v1": a[i][0] = k % 3; break;
                case "Pendulum-v1": a[i][0] = (k - 2) * 0.9; break;
                default: a[i][0] = (k - 2) * 0.45; break;
            }
        }
        return a;
    }

    /** Runs STEPS steps and returns every observation and reward in order. */
    private static double[] trajectory(VectorEnv v, String id, long seed) {
        int n = v.numEnvs();
        double[] out = new double[STEPS * n * 8];
        int p = 0;
        double[][] obs = v.reset(seed);
        for (int s = 0; s < STEPS; s++) {
            VecStep st = v.step(actions(id, n, s));
            obs = st.observations();
            for (int i = 0; i < n; i++) {
                for (double x : obs[i]) {
                    out[p++] = x;
                }
                out[p++] = st.rewards()[i];
            }
        }
        return java.util.Arrays.copyOf(out, p);
    }

    @Test
    @Timeout(60)
    void threadedAndNormalisedEnvsSteppedConcurrentlyMatchASequentialRun() throws Exception {
        double[][] expected = new double[THREADS][];
        double[][] expectedNorm = new double[THREADS][];
        for (int t = 0; t < THREADS; t++) {
            String id = IDS[t];
            try (SyncVectorEnv v = new SyncVectorEnv(6, i -> Envs.make(id))) {
                expected[t] = trajectory(v, id, 10 + t);
            }
            try (VecNormalize v = new VecNormalize(new SyncVectorEnv(6, i -> Envs.make(id)))) {
                expectedNorm[t] = trajectory(v, id, 20 + t);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<double[][]>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                String id = IDS[t];
                long seed = t;
                Callable<double[][]> c = () -> {
                    go.await();
                    double[] plain;
                    double[] norm;
                    try (ThreadedVectorEnv v = new ThreadedVectorEnv(6, i -> Envs.make(id), 3)) {
                        plain = trajectory(v, id, 10 + seed);
                    }
                    try (VecNormalize v = new VecNormalize(new ThreadedVectorEnv(6, i -> Envs.make(id), 2))) {
                        norm = trajectory(v, id, 20 + seed);
                    }
                    return new double[][] {plain, norm};
                };
                futures.add(pool.submit(c));
            }
            go.countDown();
            for (int t = 0; t < THREADS; t++) {
                double[][] got = futures.get(t).get(45, TimeUnit.SECONDS);
                assertArrayEquals(expected[t], got[0], 0.0, IDS[t]);
                assertArrayEquals(expectedNorm[t], got[1], 0.0, IDS[t] + " normalised");
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(THREADS, IDS.length);
    }
}
