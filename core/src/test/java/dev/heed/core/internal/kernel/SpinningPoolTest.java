package dev.heed.core.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The kernel pool with {@code -Dheed.spinMicros} set (read once per JVM, so it runs in a child JVM):
 * workers and callers that spin before parking still run every task exactly once, back to back,
 * nested, after idle gaps longer than the spin, and from two caller threads at once.
 */
class SpinningPoolTest {

    /**
     * Child entry point: exercises the pool and prints {@code ok} with the spin it ran with.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted while joining its second caller
     */
    public static void main(String[] args) throws InterruptedException {
        AtomicLong sum = new AtomicLong();
        Runnable calls = () -> {
            for (int round = 0; round < 300; round++) {
                AtomicIntegerArray hits = new AtomicIntegerArray(6);
                KernelPool.run(6, t -> {
                    hits.incrementAndGet(t);
                    KernelPool.run(2, u -> sum.incrementAndGet());
                });
                for (int t = 0; t < 6; t++) {
                    if (hits.get(t) != 1) {
                        throw new IllegalStateException("round " + round + ": task " + t + " ran " + hits.get(t) + " times");
                    }
                }
                if (round % 100 == 99) {
                    // an idle gap longer than the spin: workers park, and the next call must wake them
                    java.util.concurrent.locks.LockSupport.parkNanos(2 * KernelPool.SPIN_NANOS + 1_000_000);
                }
            }
        };
        Thread other = new Thread(calls);
        other.start();
        calls.run();
        other.join();
        if (sum.get() != 2L * 300 * 6 * 2) {
            throw new IllegalStateException("nested tasks ran " + sum.get() + " times, expected " + 2L * 300 * 6 * 2);
        }
        System.out.println("ok spin " + KernelPool.SPIN_NANOS);
    }

    @Test
    void spinningWorkersRunEveryTaskOnce() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process p = new ProcessBuilder(List.of(java, "-D" + KernelPool.SPIN_PROPERTY + "=100", "-D"
                + KernelPool.THREADS_PROPERTY + "=3", "-cp", System.getProperty("java.class.path"),
                SpinningPoolTest.class.getName())).redirectErrorStream(true).start();
        // the child prints a line or a stack trace, far less than a pipe holds: wait first, so a
        // hung pool fails the test instead of blocking it
        boolean finished = p.waitFor(60, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        StringBuilder all = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                all.append(line).append('\n');
            }
        }
        assertTrue(finished, "the child did not finish within 60 s:\n" + all);
        assertEquals(0, p.exitValue(), "child failed:\n" + all);
        assertTrue(all.toString().contains("ok spin 100000"), all.toString());
    }
}
