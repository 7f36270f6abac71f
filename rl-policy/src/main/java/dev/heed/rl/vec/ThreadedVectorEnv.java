package dev.heed.rl.vec;

import dev.heed.rl.env.Env;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.apiguardian.api.API;

/**
 * Steps the envs on a fixed pool of threads: the indices are split into contiguous chunks, one per
 * thread (the caller's thread takes the first), and every env writes only its own result slot, so the numbers are identical to
 * {@link SyncVectorEnv} for the same seed whatever the scheduling. Worth it only for envs whose step
 * costs far more than a thread hand-off (tens of microseconds).
 *
 * <p>Always {@link #close()} it (try-with-resources) to stop the threads; they are daemon threads, so
 * a forgotten close does not keep the JVM alive.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class ThreadedVectorEnv extends AbstractVectorEnv {

    private final ExecutorService pool;
    private final int threads;

    /**
     * Uses {@code min(numEnvs, availableProcessors)} threads.
     *
     * @param numEnvs number of copies
     * @param factory creates env {@code i}
     */
    public ThreadedVectorEnv(int numEnvs, IntFunction<? extends Env> factory) {
        this(numEnvs, factory, Math.min(numEnvs, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * @param numEnvs number of copies, at least 1
     * @param factory creates env {@code i}
     * @param threads pool size, between 1 and {@code numEnvs}
     */
    public ThreadedVectorEnv(int numEnvs, IntFunction<? extends Env> factory, int threads) {
        super(numEnvs, factory);
        if (threads < 1 || threads > numEnvs) {
            throw new IllegalArgumentException("ThreadedVectorEnv: threads must be in 1.." + numEnvs + ", got " + threads);
        }
        this.threads = threads;
        AtomicInteger counter = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "heed-vecenv-" + counter.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    /** @return the pool size */
    public int threads() {
        return threads;
    }

    @Override
    protected void stepAll(double[][] actions, VecStep out) {
        int n = envs.length;
        // Chunks 1..threads-1 go to the pool, chunk 0 runs on the caller: one hand-off fewer per step.
        List<Future<?>> futures = new ArrayList<>(threads);
        for (int c = 1; c < threads; c++) {
            int from = (int) ((long) n * c / threads);
            int to = (int) ((long) n * (c + 1) / threads);
            futures.add(pool.submit(() -> {
                for (int i = from; i < to; i++) {
                    stepOne(i, actions[i], out);
                }
            }));
        }
        RuntimeException first = null;
        try {
            int to = n / threads;
            for (int i = 0; i < to; i++) {
                stepOne(i, actions[i], out);
            }
        } catch (RuntimeException e) {
            first = e;
        }
        boolean interrupted = false;
        for (Future<?> f : futures) {
            // wait for every chunk, even after a failure, so no env is still running when we return
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (first == null) {
                        first = cause instanceof RuntimeException ? (RuntimeException) cause
                                : new IllegalStateException("ThreadedVectorEnv.step: an env failed: " + cause, cause);
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        super.close();
    }
}
