package dev.heed.rl.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Rng;
import org.junit.jupiter.api.Test;

class SpacesTest {

    @Test
    void discrete() {
        Discrete d = new Discrete(3);
        assertTrue(d.contains(new double[] {0}) && d.contains(new double[] {2}));
        assertFalse(d.contains(new double[] {3}) || d.contains(new double[] {-1}) || d.contains(new double[] {1.5}));
        assertFalse(d.contains(new double[] {Double.NaN}) || d.contains(new double[] {0, 1}) || d.contains(null));
        int[] counts = new int[3];
        Rng rng = Rng.seeded(1);
        for (int i = 0; i < 3000; i++) {
            counts[(int) d.sample(rng)[0]]++;
        }
        for (int c : counts) {
            assertTrue(c > 850 && c < 1150, "roughly uniform: " + c);
        }
        assertEquals(1, d.flatDim());
        assertArrayEquals(new int[0], d.shape());
        assertThrows(IllegalArgumentException.class, () -> new Discrete(0));
    }

    @Test
    void box() {
        Box b = new Box(new double[] {-1, 0, Double.NEGATIVE_INFINITY, 2}, new double[] {1, 5, 0, Double.POSITIVE_INFINITY},
                2, 2);
        assertEquals(4, b.flatDim());
        assertArrayEquals(new int[] {2, 2}, b.shape());
        assertTrue(b.contains(new double[] {1, 0, -1e9, 2}));
        assertFalse(b.contains(new double[] {1.0000001, 0, 0, 2}));
        assertFalse(b.contains(new double[] {0, Double.NaN, 0, 2}));
        assertFalse(b.contains(new double[] {0, 0, 0}));
        assertFalse(b.isBounded());
        Rng rng = Rng.seeded(2);
        for (int i = 0; i < 500; i++) {
            assertTrue(b.contains(b.sample(rng)));
        }
        assertThrows(IllegalArgumentException.class, () -> new Box(new double[] {1}, new double[] {0}, 1));
        assertThrows(IllegalArgumentException.class, () -> new Box(new double[] {0, 0}, new double[] {1, 1}, 3));
        assertThrows(IllegalArgumentException.class, () -> Box.of(new double[] {Double.NaN}, new double[] {1}));
        assertEquals(Box.uniform(-2, 2, 1), Box.of(new double[] {-2}, new double[] {2}));
    }

    @Test
    void multiDiscrete() {
        MultiDiscrete m = new MultiDiscrete(2, 3);
        assertTrue(m.contains(new double[] {1, 2}));
        assertFalse(m.contains(new double[] {2, 0}) || m.contains(new double[] {0, 0.5}) || m.contains(new double[] {0}));
        Rng rng = Rng.seeded(3);
        for (int i = 0; i < 100; i++) {
            assertTrue(m.contains(m.sample(rng)));
        }
        assertThrows(IllegalArgumentException.class, () -> new MultiDiscrete(2, 0));
        assertThrows(IllegalArgumentException.class, MultiDiscrete::new);
    }
}
