package dev.heed.core.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class KernelBackendsTest {

    @Test
    void testJvmHasTheVectorModuleSoTheVectorBackendIsChosen() {
        assertTrue(KernelBackends.vectorModulePresent(), "tests run with --add-modules jdk.incubator.vector");
        assertTrue(KernelBackends.choose(null, true, 1).name().startsWith("vector-"));
        assertSame(KernelBackends.get(), KernelBackends.get());
    }

    @Test
    void propertySaysPlainSoTheFallbackIsChosen() {
        assertInstanceOf(PlainKernels.class, KernelBackends.choose("plain", true, 1));
        assertInstanceOf(PlainKernels.class, KernelBackends.choose(" PLAIN ", true, 2));
        assertEquals("plain-java", KernelBackends.choose("plain", true, 1).name());
    }

    @Test
    void withoutTheModuleTheFallbackIsChosenEvenWhenVectorIsAskedFor() {
        assertInstanceOf(PlainKernels.class, KernelBackends.choose(null, false, 1));
        assertInstanceOf(PlainKernels.class, KernelBackends.choose("vector", false, 1));
    }

    @Test
    void unknownPropertyValueFallsBackToTheAutomaticChoice() {
        assertTrue(KernelBackends.choose("cuda", true, 1).name().startsWith("vector-"));
        assertInstanceOf(PlainKernels.class, KernelBackends.choose("cuda", false, 1));
    }

    @Test
    void threadsPropertyIsParsedStrictly() {
        assertEquals(4, KernelPool.parseThreads(null, 4));
        assertEquals(1, KernelPool.parseThreads("", 0));
        assertEquals(2, KernelPool.parseThreads(" 2 ", 8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelPool.parseThreads("two", 2));
        assertTrue(e.getMessage().contains("heed.threads=two"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelPool.parseThreads("0", 2));
    }

    @Test
    void poolRunsEveryTaskOnceAndRethrowsFailures() {
        AtomicIntegerArray hits = new AtomicIntegerArray(7);
        KernelPool.run(7, t -> hits.incrementAndGet(t));
        for (int t = 0; t < 7; t++) {
            assertEquals(1, hits.get(t));
        }
        // A nested call from inside a task runs serially instead of waiting on busy workers.
        AtomicIntegerArray nested = new AtomicIntegerArray(4);
        KernelPool.run(2, t -> KernelPool.run(2, u -> nested.incrementAndGet(2 * t + u)));
        for (int t = 0; t < 4; t++) {
            assertEquals(1, nested.get(t));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KernelPool.run(3, t -> {
            if (t == 2) {
                throw new IllegalStateException("task 2 failed");
            }
        }));
        assertEquals("task 2 failed", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelPool.run(0, t -> { }));
    }

    /**
     * A caller never waits behind another caller's job: while a worker is held inside one call, a
     * second thread's call runs all its tasks itself and returns (with queued hand-over it would
     * wait for the held worker, which here waits for it: a deadlock the timeout turns into a failure).
     */
    @Test
    void aBusyWorkerIsSkippedNotQueuedBehind() throws Exception {
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger onWorker = new java.util.concurrent.atomic.AtomicInteger();
        Thread first = new Thread(() -> KernelPool.run(2000, t -> {
            if (Thread.currentThread().getName().startsWith("heed-kernel-") && onWorker.getAndIncrement() == 0) {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000);
            }
        }));
        first.start();
        boolean workerHeld = held.await(10, java.util.concurrent.TimeUnit.SECONDS);
        AtomicIntegerArray hits = new AtomicIntegerArray(4);
        try {
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                    () -> KernelPool.run(4, t -> hits.incrementAndGet(t)));
        } finally {
            release.countDown();
        }
        first.join(20_000);
        for (int t = 0; t < 4; t++) {
            assertEquals(1, hits.get(t));
        }
        assertTrue(workerHeld || Runtime.getRuntime().availableProcessors() == 1 || KernelPool.defaultThreads() == 1,
                "no pool worker took a task of a 2000-task call");
    }
}
