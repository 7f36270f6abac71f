package dev.heed.cli.bench;

import java.util.Arrays;

/** Median-of-repetitions timing shared by the benchmark commands. */
final class Timing {

    private Timing() {}

    /** One timed call of the code under test. */
    interface Body {
        void run();
    }

    /** Untimed warm-up goes on for at least this long, so short calls are timed compiled, not interpreted. */
    static final long MIN_WARMUP_NANOS = 300_000_000L;

    /**
     * Runs {@code body} untimed at least {@code warmup} times and for at least
     * {@link #MIN_WARMUP_NANOS} (a 16³ product timed after three calls ran interpreted, at a
     * hundredth of its compiled speed), then at least {@code minReps} timed times and until
     * {@code minSeconds} of timed work, at most {@code maxReps}.
     *
     * @return the median time of one call in milliseconds
     */
    static double medianMillis(Body body, int warmup, int minReps, int maxReps, double minSeconds) {
        long warmStart = System.nanoTime();
        for (int i = 0; i < warmup || System.nanoTime() - warmStart < MIN_WARMUP_NANOS; i++) {
            body.run();
        }
        double[] ms = new double[maxReps];
        int n = 0;
        double total = 0;
        while (n < maxReps && (n < minReps || total < minSeconds * 1e3)) {
            long t0 = System.nanoTime();
            body.run();
            ms[n] = (System.nanoTime() - t0) / 1e6;
            total += ms[n];
            n++;
        }
        return median(Arrays.copyOf(ms, n));
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /**
     * Sets the kernel thread count for this process. Heed's kernel pool reads the property once,
     * when the first large product runs; in a fresh {@code heed} process that is after this call.
     */
    static void threads(Integer threads) {
        if (threads != null) {
            if (threads < 1) {
                throw new dev.heed.cli.support.UserInputException("--threads " + threads + " is not a thread count",
                        "give a positive number such as --threads 1 or --threads 2");
            }
            System.setProperty("heed.threads", Integer.toString(threads));
        }
    }
}
