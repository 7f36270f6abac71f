package dev.heed.core.internal.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import org.apiguardian.api.API;

/**
 * The process-wide thread pool that kernels use to split large problems over the cores.
 *
 * <p>The pool holds no user state: it is a set of daemon worker threads, created on first use,
 * that run pieces of a kernel call while the calling thread runs pieces too. Pieces are taken
 * dynamically, so a late worker only takes fewer. A call hands work only to idle workers; a worker
 * busy with another call is skipped, so calls from several threads, or nested calls, never wait
 * behind each other. Waking a parked worker costs tens of microseconds, so kernels only split
 * work that takes much longer than that (see {@link #PARALLEL_FLOPS}); {@code -Dheed.spinMicros=N}
 * makes idle workers spin N microseconds before they park.
 *
 * <p>The number of threads defaults to {@link Runtime#availableProcessors()} and can be capped
 * with the system property {@code heed.threads} (read once, when the pool is first used).
 * Results never depend on it: kernels split work into pieces whose results do not depend on how
 * many pieces there are, and a call made from inside a worker runs its pieces serially.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class KernelPool {

    /** Products below this many floating-point operations (2·m·n·k) run on the calling thread. */
    public static final long PARALLEL_FLOPS = 2L * 200 * 200 * 200;

    /** The system property that caps the number of kernel threads. */
    public static final String THREADS_PROPERTY = "heed.threads";

    private KernelPool() {}

    /**
     * @return the default number of kernel threads: {@code heed.threads} when set to a positive
     *     integer, else the number of available processors (an invalid {@code heed.threads} is
     *     logged as a warning and ignored, so a typo never stops the kernels from loading)
     */
    public static int defaultThreads() {
        int processors = Runtime.getRuntime().availableProcessors();
        try {
            return parseThreads(System.getProperty(THREADS_PROPERTY), processors);
        } catch (IllegalArgumentException e) {
            System.getLogger("dev.heed.core.kernels").log(System.Logger.Level.WARNING,
                    e.getMessage() + "; using " + processors + " threads");
            return Math.max(1, processors);
        }
    }

    static int parseThreads(String value, int fallback) {
        if (value == null || value.isBlank()) {
            return Math.max(1, fallback);
        }
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("kernel threads: -D" + THREADS_PROPERTY + "=" + value
                    + " is not a number; expected a positive integer such as -D" + THREADS_PROPERTY + "=1", e);
        }
        if (n < 1) {
            throw new IllegalArgumentException("kernel threads: -D" + THREADS_PROPERTY + "=" + value
                    + " must be at least 1; use -D" + THREADS_PROPERTY + "=1 to run kernels on the calling thread only");
        }
        return n;
    }

    /**
     * Runs {@code body.accept(t)} for every {@code t} in {@code [0, tasks)}, using the calling
     * thread and up to {@code tasks - 1} pool workers, and returns when all have finished. Tasks
     * must write disjoint outputs. An exception thrown by a task is rethrown here (the first one
     * wins); the remaining tasks still finish first.
     *
     * @param tasks the number of independent pieces, at least 1
     * @param body the work for one piece; must be thread-safe across distinct indices
     * @throws IllegalArgumentException if {@code tasks < 1}
     */
    public static void run(int tasks, IntConsumer body) {
        if (tasks < 1) {
            throw new IllegalArgumentException("kernel pool: tasks = " + tasks + ", expected at least 1");
        }
        if (tasks == 1 || Thread.currentThread() instanceof Worker) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable drain = () -> {
            for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
                try {
                    body.accept(t);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }
        };
        // Engage only idle workers: one busy with another caller's job is skipped, and the tasks it
        // would have taken are drained here instead (so concurrent or nested calls never queue).
        Thread caller = Thread.currentThread();
        AtomicInteger pending = new AtomicInteger();
        Runnable job = () -> {
            try {
                drain.run();
            } finally {
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        };
        Worker[] workers = Holder.WORKERS;
        int helpers = 0;
        for (int w = 0; w < workers.length && helpers < tasks - 1; w++) {
            pending.incrementAndGet();
            if (workers[w].offer(job)) {
                helpers++;
            } else {
                pending.decrementAndGet();
            }
        }
        drain.run();
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (pending.get() != 0) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(pending, 100_000);
            }
        }
        Throwable e = failure.get();
        if (e instanceof RuntimeException) {
            throw (RuntimeException) e;
        }
        if (e instanceof Error) {
            throw (Error) e;
        }
        if (e != null) {
            throw new IllegalStateException("kernel pool: a task failed", e);
        }
    }

    /** The system property that sets {@link #SPIN_NANOS} in microseconds. */
    public static final String SPIN_PROPERTY = "heed.spinMicros";

    /**
     * How long an idle worker (and a caller waiting for its workers) spins before it parks, from
     * {@code -Dheed.spinMicros} (default 0: park at once). Waking a parked thread costs tens of
     * microseconds, and products come back to back in a model step, so spinning can save the
     * wake-ups on an otherwise idle machine; on a shared machine a spinning thread takes the core
     * from the thread it waits for (measured: the char-LM step 35 ms with 0, 47-53 ms with 200 us
     * under a load of 4 on 2 cores).
     */
    static final long SPIN_NANOS = 1000L * Math.max(0L, Long.getLong(SPIN_PROPERTY, 0L));

    /**
     * A pool worker: runs one job at a time, handed over through {@link #offer}. Calls made from a
     * worker run their pieces serially.
     */
    private static final class Worker extends Thread {
        /** 0 idle, 1 claimed by a caller, 2 job published. */
        private final AtomicInteger state = new AtomicInteger();
        private volatile Runnable job;
        private volatile boolean parked;

        Worker(int id) {
            super("heed-kernel-" + id);
            setDaemon(true);
        }

        /** Hands {@code r} to this worker if it is idle; false if it is busy. */
        boolean offer(Runnable r) {
            if (!state.compareAndSet(0, 1)) {
                return false;
            }
            job = r;
            state.set(2);
            if (parked) {
                LockSupport.unpark(this);
            }
            return true;
        }

        @Override
        public void run() {
            while (true) {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (state.get() != 2) {
                    if (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                    } else {
                        parked = true;
                        if (state.get() != 2) {
                            LockSupport.park(this);
                        }
                        parked = false;
                    }
                }
                Runnable r = job;
                job = null;
                try {
                    r.run();
                } catch (Throwable e) {
                    // jobs record their tasks' failures for the caller; anything escaping them must
                    // not end this thread, or later calls would hand work to a worker that is gone
                    System.getLogger("dev.heed.core.kernels").log(System.Logger.Level.ERROR,
                            "kernel worker: a job failed outside its tasks", e);
                } finally {
                    state.set(0);
                }
            }
        }
    }

    private static final class Holder {
        static final Worker[] WORKERS = create();

        private static Worker[] create() {
            Worker[] workers = new Worker[Math.max(1, defaultThreads() - 1)];
            for (int w = 0; w < workers.length; w++) {
                workers[w] = new Worker(w + 1);
                workers[w].start();
            }
            return workers;
        }
    }
}
