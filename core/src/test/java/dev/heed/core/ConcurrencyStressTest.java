package dev.heed.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.internal.kernel.KernelPool;
import dev.heed.core.plugin.PluginRegistry;
import dev.heed.core.plugin.Spec;
import dev.heed.core.plugin.SpecException;
import dev.heed.core.plugin.SpecSchema;
import dev.heed.core.plugin.UnknownPluginException;
import dev.heed.core.plugin.fake.ScorerProvider;
import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bounded stress tests: shared Heed objects used from several threads at once must give the same
 * results as on one thread. Each test does a fixed amount of work (no timing assertions); the
 * timeouts only stop a deadlock from hanging the build.
 */
class ConcurrencyStressTest {

    private static final int THREADS = 4;

    /** Runs {@code task(t)} on THREADS threads released together; rethrows the first failure. */
    private static <T> List<T> together(java.util.function.IntFunction<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int id = t;
                Callable<T> c = () -> {
                    start.await();
                    return task.apply(id);
                };
                futures.add(pool.submit(c));
            }
            start.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(30, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Textbook triple loop in double: an independent reference for matmul. */
    private static double[] naive(double[] a, double[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double x = a[i * k + p];
                for (int j = 0; j < n; j++) {
                    c[i * n + j] += x * b[p * n + j];
                }
            }
        }
        return c;
    }

    @Test
    @Timeout(60)
    void matmulsFromSeveralThreadsUseTheKernelPoolAndStayCorrect() throws Exception {
        // Large enough that every product is split over the kernel pool (2mnk above PARALLEL_FLOPS).
        int m = 160;
        int k = 300;
        int n = 190;
        assertTrue(2L * m * k * n > KernelPool.PARALLEL_FLOPS);
        Tensor[] as = new Tensor[THREADS];
        Tensor[] bs = new Tensor[THREADS];
        double[][] expected = new double[THREADS][];
        for (int t = 0; t < THREADS; t++) {
            Rng rng = Rng.seeded(100 + t);
            as[t] = Tensor.randn(rng, DType.FLOAT64, m, k);
            bs[t] = Tensor.randn(rng, DType.FLOAT64, k, n);
            expected[t] = naive(as[t].toDoubleArray(), bs[t].toDoubleArray(), m, k, n);
        }
        Tensor a32 = as[0].to(DType.FLOAT32);
        Tensor b32 = bs[0].to(DType.FLOAT32);
        float[] single32 = a32.matmul(b32).toFloatArray();
        List<Integer> checked = together(t -> {
            int count = 0;
            for (int rep = 0; rep < 3; rep++) {
                // Each thread mixes its own float64 problem with a shared float32 one.
                double[] c = as[t].matmul(bs[t]).toDoubleArray();
                for (int i = 0; i < c.length; i++) {
                    if (Math.abs(c[i] - expected[t][i]) > 1e-9 * (1 + Math.abs(expected[t][i]))) {
                        throw new AssertionError("thread " + t + " rep " + rep + " element " + i + ": " + c[i]
                                + " vs " + expected[t][i]);
                    }
                }
                float[] c32 = a32.matmul(b32).toFloatArray();
                // Same inputs, same kernel: bit-identical no matter which threads ran the pieces.
                if (!java.util.Arrays.equals(single32, c32)) {
                    throw new AssertionError("thread " + t + ": float32 result differs from the single-threaded one");
                }
                count++;
            }
            return count;
        });
        assertEquals(List.of(3, 3, 3, 3), checked);
    }

    @Test
    @Timeout(60)
    void pluginRegistriesLoadedAndUsedConcurrently() throws Exception {
        PluginRegistry<ScorerProvider> shared = PluginRegistry.load(ScorerProvider.class);
        SpecSchema schema = SpecSchema.builder("attention")
                .option(OptionSpec.ofInt("heads", 1, "heads").range(1, 64))
                .provider("similarity", shared, "scaled-dot")
                .build();
        List<Integer> done = together(t -> {
            int n = 0;
            for (int rep = 0; rep < 50; rep++) {
                // A fresh registry per call: same names, fresh instances, never the shared ones.
                PluginRegistry<ScorerProvider> own = PluginRegistry.load(ScorerProvider.class);
                assertEquals(shared.names(), own.names());
                assertNotSame(shared.get("scaled-dot"), own.get("scaled-dot"));
                // The shared registry answers every thread with the same instances.
                assertSame(shared.get("relative-bias"), shared.get("relative-bias"));
                ScorerProvider p = shared.get("scaled-dot");
                double scale = 1 + t + rep;
                assertEquals(2 * 3 * scale, p.create(Options.of(p, java.util.Map.of("scale", scale))).score(2, 3));
                UnknownPluginException e = assertThrows(UnknownPluginException.class, () -> shared.get("scaled_dot"));
                assertEquals(java.util.Optional.of("scaled-dot"), e.closest());
                Spec spec = schema.parse("{\"heads\": " + (1 + (rep + t) % 64) + "}");
                assertEquals(1 + (rep + t) % 64, spec.options().getInt("heads"));
                assertThrows(SpecException.class, () -> schema.parse("{\"heads\": 0}"));
                assertEquals(Set.copyOf(shared.list().stream().map(i -> i.name()).toList()), shared.names());
                n++;
            }
            return n;
        });
        assertEquals(List.of(50, 50, 50, 50), done);
    }

    @Test
    @Timeout(60)
    void gradModeAndAnomalyModeArePerThread() throws Exception {
        List<Double> grads = together(t -> {
            double sum = 0;
            for (int rep = 0; rep < 200; rep++) {
                Tensor x = Tensor.of(new double[] {t + 1.0}, 1).requiresGrad(true);
                if (t % 2 == 0) {
                    try (NoGrad ignored = NoGrad.enter(); Anomaly a = Anomaly.detect()) {
                        assertTrue(!Autograd.isGradEnabled() && Anomaly.isEnabled());
                        assertTrue(!x.mul(x).requiresGrad());
                    }
                } else {
                    assertTrue(Autograd.isGradEnabled() && !Anomaly.isEnabled());
                    Tensor y = x.mul(x).sum();
                    y.backward();
                    sum += x.grad().item(); // 2x
                }
            }
            return sum;
        });
        assertEquals(List.of(0.0, 200 * 4.0, 0.0, 200 * 8.0), grads);
    }
}
