package dev.heed.attention.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Rng;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticTaskTest {

    @Test
    void answersFollowTheTaskDefinitions() {
        for (String name : new String[] {"copy", "reverse", "sort"}) {
            SyntheticTask t = SyntheticTask.of(name, 7, 5);
            long[] s = t.example(Rng.seeded(3));
            assertEquals(15, s.length);
            assertEquals(5, s[7], "separator");
            long[] x = Arrays.copyOfRange(s, 0, 7);
            long[] y = Arrays.copyOfRange(s, 8, 15);
            long[] want = x.clone();
            if (name.equals("reverse")) {
                for (int i = 0; i < 7; i++) {
                    want[i] = x[6 - i];
                }
            } else if (name.equals("sort")) {
                Arrays.sort(want);
            }
            assertArrayEquals(want, y, name);
        }
        SyntheticTask ar = SyntheticTask.of("associative-recall", 4, 6);
        long[] s = ar.example(Rng.seeded(4));
        Set<Long> keys = new HashSet<>();
        long answer = -1;
        for (int i = 0; i < 4; i++) {
            assertTrue(s[2 * i] < 6 && keys.add(s[2 * i]), "distinct keys below 6");
            assertTrue(s[2 * i + 1] > 6 && s[2 * i + 1] <= 12, "values in 7..12");
            if (s[2 * i] == s[9]) {
                answer = s[2 * i + 1];
            }
        }
        assertEquals(6, s[8]);
        assertEquals(answer, s[10]);
        assertEquals(13, ar.vocabSize());
    }

    @Test
    void batchesAreShiftedByOneAndFlagOnlyTheAnswer() {
        SyntheticTask t = SyntheticTask.of("copy", 3, 4);
        TaskBatch b = t.sample(2, Rng.seeded(1));
        long[] in = b.inputs().toLongArray();
        long[] out = b.targets().toLongArray();
        assertArrayEquals(new int[] {2, 6}, b.inputs().shape());
        for (int i = 0; i < 5; i++) {
            assertEquals(in[i + 1], out[i]);
        }
        assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1}, b.weights());
        assertArrayEquals(in, t.sample(2, Rng.seeded(1)).inputs().toLongArray(), "same seed, same batch");
    }

    @Test
    void badArgumentsAreExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SyntheticTask.of("copyy", 3, 4));
        assertTrue(e.getMessage().contains("copy"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SyntheticTask.of("associative-recall", 9, 4));
        assertThrows(IllegalArgumentException.class, () -> SyntheticTask.of("copy", 0, 4));
    }
}
