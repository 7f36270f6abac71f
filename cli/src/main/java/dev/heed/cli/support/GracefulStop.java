package dev.heed.cli.support;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apiguardian.api.API;

/**
 * Lets a long command stop cleanly on Ctrl-C (SIGINT/SIGTERM): a JVM shutdown hook raises a flag
 * and then waits (at most {@link #GRACE_SECONDS} seconds) until the command has finished its current
 * step and its last atomic write — typically a checkpoint — and called {@link #close()}.
 *
 * <p>The command polls {@link #requested()} between steps (never in the middle of a write). Since
 * every file is written atomically (temp file + rename), a hard kill at any moment still leaves
 * the previous checkpoint intact; the grace period only makes the <em>latest</em> state count.
 *
 * <pre>{@code
 * try (GracefulStop stop = GracefulStop.install()) {
 *     while (!done && !stop.requested()) { step(); }
 *     saveCheckpoint();
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #none()} gives an instance without a hook (tests, nested runs).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class GracefulStop implements AutoCloseable {

    /** Longest time the shutdown hook waits for the command to finish its last write. */
    public static final long GRACE_SECONDS = 30;

    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private GracefulStop(boolean withHook) {
        if (withHook) {
            hook = new Thread(() -> {
                requested.set(true);
                try {
                    finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "heed-graceful-stop");
            Runtime.getRuntime().addShutdownHook(hook);
        } else {
            hook = null;
        }
    }

    /** @return an instance whose shutdown hook is registered with the JVM */
    public static GracefulStop install() {
        return new GracefulStop(true);
    }

    /** @return an instance without a hook; {@link #request()} still works */
    public static GracefulStop none() {
        return new GracefulStop(false);
    }

    /** @return true once a stop was requested (Ctrl-C, or {@link #request()}) */
    public boolean requested() {
        return requested.get();
    }

    /** Requests a stop, as Ctrl-C does (for tests and for commands that stop themselves). */
    public void request() {
        requested.set(true);
    }

    /** Signals that the last write is done and removes the hook when the JVM is not already shutting down. */
    @Override
    public void close() {
        finished.countDown();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down: the hook is running and has just been released.
            }
        }
    }
}
