package dev.heed.rl.sweep.local;

import dev.heed.rl.sweep.RunKey;
import dev.heed.rl.sweep.RunResult;
import dev.heed.rl.sweep.SweepEngine;
import dev.heed.rl.sweep.SweepSpec;
import dev.heed.rl.sweep.SweepTasks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apiguardian.api.API;

/**
 * Runs a sweep on a fixed pool of threads of this JVM; each run is retried up to {@code maxAttempts}
 * times before it is reported as failed.
 *
 * <p>{@link #execute} may be called from one thread at a time.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class LocalEngine implements SweepEngine {

    private static final System.Logger LOG = System.getLogger(LocalEngine.class.getName());

    private final int threads;
    private final int maxAttempts;
    private final ExecutorService pool;

    /**
     * @param threads runs trained at once, at least 1
     * @param maxAttempts attempts per run before it is reported failed, at least 1
     * @throws IllegalArgumentException if either is below 1
     */
    public LocalEngine(int threads, int maxAttempts) {
        if (threads < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("LocalEngine: threads " + threads + ", maxAttempts " + maxAttempts
                    + " — both must be >= 1; e.g. new LocalEngine(Runtime.getRuntime().availableProcessors(), 1)");
        }
        this.threads = threads;
        this.maxAttempts = maxAttempts;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "heed-sweep-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String name() {
        return "local";
    }

    /** @return the number of threads */
    public int threads() {
        return threads;
    }

    @Override
    public List<RunResult> execute(SweepSpec spec, List<RunKey> runs) {
        List<Future<RunResult>> futures = new ArrayList<>();
        for (RunKey k : runs) {
            futures.add(pool.submit(() -> attempt(spec, k)));
        }
        List<RunResult> out = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            try {
                out.add(futures.get(i).get());
            } catch (ExecutionException e) {
                out.add(SweepTasks.failed(runs.get(i), e.getCause(), maxAttempts));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("sweep: interrupted while waiting for " + runs.get(i), e);
            }
        }
        return out;
    }

    private RunResult attempt(SweepSpec spec, RunKey k) {
        for (int a = 1; ; a++) {
            try {
                return SweepTasks.trainOne(spec, k);
            } catch (IOException | RuntimeException e) {
                if (a >= maxAttempts) {
                    return SweepTasks.failed(k, e, a);
                }
                LOG.log(System.Logger.Level.WARNING, "sweep: {0} failed on attempt {1} of {2}, retrying: {3}", k, a,
                        maxAttempts, e.toString());
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
