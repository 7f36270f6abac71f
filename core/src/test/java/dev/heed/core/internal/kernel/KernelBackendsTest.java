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
}
