package dev.heed.cli.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import org.junit.jupiter.api.Test;

class ProgressTest {

    /** A clock the test moves by hand: no sleeping, no timing assertions. */
    private static final class FakeClock {
        long nanos;

        long now() {
            return nanos;
        }

        void advanceSeconds(double s) {
            nanos += (long) (s * 1e9);
        }
    }

    @Test
    void plainModePrintsEachTenthAndAFinalLine() {
        StringWriter sw = new StringWriter();
        FakeClock clock = new FakeClock();
        try (Progress p = Progress.plain("train", 1000, new PrintWriter(sw), clock::now, 10)) {
            for (int step = 50; step <= 1000; step += 50) {
                clock.advanceSeconds(0.5);
                p.stepTo(step);
                if (step == 500) {
                    p.message("return 212.5");
                }
            }
        }
        List<String> lines = sw.toString().lines().toList();
        assertEquals(11, lines.size(), sw.toString()); // 10%, 20%, ..., 100%, then "done"
        assertEquals("train: 100/1000 (10%), 1.0 s, about 9 s left", lines.get(0));
        assertEquals("train: 600/1000 (60%), 6.0 s, about 4 s left — return 212.5", lines.get(5));
        assertEquals("train: 1000/1000 (100%), 10.0 s — return 212.5", lines.get(9));
        assertEquals("train: 1000/1000 (100%), 10.0 s, done — return 212.5", lines.get(10));
    }

    @Test
    void plainModeWithUnknownTotalPrintsOnTheInterval() {
        StringWriter sw = new StringWriter();
        FakeClock clock = new FakeClock();
        Progress p = Progress.plain("bench", 0, new PrintWriter(sw), clock::now, 10);
        for (int i = 1; i <= 25; i++) {
            clock.advanceSeconds(1);
            p.stepBy(1);
        }
        p.close();
        p.close(); // idempotent
        assertEquals(List.of("bench: 10, 10.0 s", "bench: 20, 20.0 s", "bench: 25, 25.0 s, done"),
                sw.toString().lines().toList());
    }

    @Test
    void progressNeverGoesBackwards() {
        StringWriter sw = new StringWriter();
        FakeClock clock = new FakeClock();
        try (Progress p = Progress.plain("x", 10, new PrintWriter(sw), clock::now, 10)) {
            p.stepTo(5);
            p.stepTo(3);
        }
        List<String> lines = sw.toString().lines().toList();
        assertTrue(lines.get(lines.size() - 1).startsWith("x: 5/10 (50%)"), lines.toString());
    }

    @Test
    void barModeDrawsThroughTheProgressbarLibrary() {
        List<String> frames = new ArrayList<>();
        try (Progress p = Progress.bar("ppo-clip CartPole-v1", 200, new DelegatingProgressBarConsumer(frames::add, 100))) {
            p.stepTo(200);
            p.message("return 500.0");
        }
        assertFalse(frames.isEmpty());
        String last = frames.get(frames.size() - 1);
        assertTrue(last.contains("ppo-clip CartPole-v1") && last.contains("200/200") && last.contains("return 500.0"), last);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Progress.plain("x", -1, new PrintWriter(new StringWriter()), () -> 0, 10));
    }
}
