package dev.heed.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heed.core.DType;
import dev.heed.core.Tensor;
import org.junit.jupiter.api.Test;

class TensorInternalsTest {

    @Test
    void wrapSharesTheArrayAndAccessorsExposeTheLayout() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = TensorInternals.wrap(data, 2, 3);
        assertSame(data, TensorInternals.floatData(t));
        data[0] = 10;
        assertEquals(10.0, t.get(0, 0));
        Tensor col = t.narrow(1, 1, 1);
        assertSame(data, TensorInternals.floatData(col));
        assertEquals(1, TensorInternals.offset(col));
        assertArrayEquals(new int[] {3, 1}, TensorInternals.strides(col));
        assertArrayEquals(new int[] {1, 3}, TensorInternals.strides(t.transpose(0, 1)));
        assertEquals(DType.FLOAT64, TensorInternals.wrap(new double[] {1}, 1).dtype());
        assertArrayEquals(new long[] {7}, TensorInternals.longData(TensorInternals.wrap(new long[] {7})));
        assertThrows(IllegalArgumentException.class, () -> TensorInternals.doubleData(t));
        assertThrows(IllegalArgumentException.class, () -> TensorInternals.wrap(new float[3], 2, 2));
    }
}
