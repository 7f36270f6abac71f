package dev.heed.cli.support;

import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apiguardian.api.API;

/**
 * Progress of long work (training steps, benchmark repetitions). On a terminal it is a live bar
 * (the {@code me.tongfei:progressbar} library, on standard error so standard output stays clean
 * for {@code --json}); elsewhere (CI logs, pipes, files) it prints plain lines: one each time
 * another 10% is done, and at most every {@link #DEFAULT_PLAIN_INTERVAL_SECONDS} seconds otherwise,
 * plus a final line when closed.
 *
 * <p>Use one instance per task in try-with-resources. Not thread-safe: report from one thread.
 *
 * <pre>{@code
 * try (Progress p = Progress.start("ppo-clip CartPole-v1", totalSteps, spec.commandLine().getErr())) {
 *     while (...) { p.stepTo(step); p.message("return 312.5"); }
 * }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public abstract class Progress implements AutoCloseable {

    /** Longest silence between two plain progress lines when progress is slow. */
    public static final long DEFAULT_PLAIN_INTERVAL_SECONDS = 10;

    Progress() {}

    /**
     * Starts reporting, choosing the live bar when the process has an interactive console.
     *
     * @param task short description shown before the numbers; not null
     * @param total the amount of work, or 0 when unknown
     * @param plainOut where plain lines go when there is no terminal; not null
     * @return the reporter
     */
    public static Progress start(String task, long total, PrintWriter plainOut) {
        return isInteractiveTerminal() ? bar(task, total, new ConsoleProgressBarConsumer(System.err))
                : plain(task, total, plainOut, System::nanoTime, DEFAULT_PLAIN_INTERVAL_SECONDS);
    }

    /**
     * Whether output goes to an interactive terminal: a console is attached, it is a terminal (on
     * JDK 22+, where a console object exists even for pipes, {@code Console.isTerminal()} decides),
     * and {@code TERM} is not {@code dumb}.
     *
     * @return true when a live progress bar can be drawn
     */
    public static boolean isInteractiveTerminal() {
        Console console = System.console();
        if (console == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            // Console.isTerminal() exists from JDK 22; this code is compiled for 17.
            Method isTerminal = Console.class.getMethod("isTerminal");
            return Boolean.TRUE.equals(isTerminal.invoke(console));
        } catch (NoSuchMethodException e) {
            return true; // before JDK 22 a console exists only for a terminal
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * A plain-line reporter (what CI and pipes get).
     *
     * @param task short description; not null
     * @param total the amount of work, or 0 when unknown
     * @param out destination; not null
     * @param nanoClock monotonic time in nanoseconds, e.g. {@code System::nanoTime}; not null
     * @param intervalSeconds longest silence between two lines; &gt; 0
     * @return the reporter
     */
    public static Progress plain(String task, long total, PrintWriter out, LongSupplier nanoClock, long intervalSeconds) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(nanoClock, "nanoClock");
        if (total < 0 || intervalSeconds <= 0) {
            throw new IllegalArgumentException("Progress.plain: total " + total + " and interval " + intervalSeconds
                    + " s; expected total >= 0 and interval > 0");
        }
        return new Plain(task, total, out, nanoClock, intervalSeconds);
    }

    /**
     * A live progress bar drawing through {@code consumer} (the terminal in normal use).
     *
     * @param task short description; not null
     * @param total the amount of work, or 0 when unknown
     * @param consumer where the bar is drawn; not null
     * @return the reporter
     */
    public static Progress bar(String task, long total, ProgressBarConsumer consumer) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(consumer, "consumer");
        ProgressBar pb = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total > 0 ? total : -1)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setUpdateIntervalMillis(200)
                .setConsumer(consumer)
                .showSpeed()
                .build();
        return new Bar(pb);
    }

    /**
     * Sets the amount of work done so far.
     *
     * @param done work done; never decreases the display
     */
    public abstract void stepTo(long done);

    /**
     * Adds to the amount of work done.
     *
     * @param n work just finished
     */
    public abstract void stepBy(long n);

    /**
     * Shows a short status after the numbers, e.g. the latest mean return.
     *
     * @param message the status; null clears it
     */
    public abstract void message(String message);

    /** Finishes the display; prints the final line in plain mode. Idempotent. */
    @Override
    public abstract void close();

    private static final class Bar extends Progress {
        private final ProgressBar pb;

        Bar(ProgressBar pb) {
            this.pb = pb;
        }

        @Override
        public void stepTo(long done) {
            pb.stepTo(done);
        }

        @Override
        public void stepBy(long n) {
            pb.stepBy(n);
        }

        @Override
        public void message(String message) {
            pb.setExtraMessage(message == null || message.isEmpty() ? "" : " " + message);
        }

        @Override
        public void close() {
            pb.close();
        }
    }

    private static final class Plain extends Progress {
        private final String task;
        private final long total;
        private final PrintWriter out;
        private final LongSupplier clock;
        private final long intervalNanos;
        private final long startNanos;
        private long done;
        private long lastPrintNanos;
        private int lastDecile;
        private String message;
        private boolean closed;

        Plain(String task, long total, PrintWriter out, LongSupplier clock, long intervalSeconds) {
            this.task = task;
            this.total = total;
            this.out = out;
            this.clock = clock;
            this.intervalNanos = intervalSeconds * 1_000_000_000L;
            this.startNanos = clock.getAsLong();
            this.lastPrintNanos = startNanos;
        }

        @Override
        public void stepTo(long newDone) {
            if (newDone > done) {
                done = newDone;
            }
            maybePrint();
        }

        @Override
        public void stepBy(long n) {
            stepTo(done + n);
        }

        @Override
        public void message(String m) {
            message = m;
        }

        private void maybePrint() {
            if (closed) {
                return;
            }
            long now = clock.getAsLong();
            int decile = total > 0 ? (int) Math.min(10, done * 10 / total) : 0;
            if (decile > lastDecile || now - lastPrintNanos >= intervalNanos) {
                lastDecile = Math.max(lastDecile, decile);
                lastPrintNanos = now;
                print(now, false);
            }
        }

        private void print(long now, boolean last) {
            double elapsed = (now - startNanos) / 1e9;
            StringBuilder sb = new StringBuilder(task).append(": ").append(done);
            if (total > 0) {
                sb.append('/').append(total).append(String.format(Locale.ROOT, " (%d%%)", done * 100 / total));
            }
            sb.append(String.format(Locale.ROOT, ", %.1f s", elapsed));
            if (last) {
                sb.append(", done");
            } else if (total > 0 && done > 0 && done < total) {
                double left = elapsed * (total - done) / done;
                sb.append(left < 1 ? ", under 1 s left" : String.format(Locale.ROOT, ", about %.0f s left", left));
            }
            if (message != null && !message.isEmpty()) {
                sb.append(" — ").append(message);
            }
            out.println(sb);
            out.flush();
        }

        @Override
        public void close() {
            if (!closed) {
                print(clock.getAsLong(), true);
                closed = true;
            }
        }
    }
}
