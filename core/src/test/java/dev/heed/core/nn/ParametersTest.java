package dev.heed.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParametersTest {

    @Test
    void roundTripAndGradVector() {
        Linear l = new Linear(3, 2, Rng.seeded(1));
        List<Tensor> ps = l.parameters();
        assertEquals(8, Parameters.count(ps));
        Tensor v = Parameters.toVector(ps);
        float[] w = l.weight().toFloatArray();
        float[] b = l.bias().toFloatArray();
        float[] flat = v.toFloatArray();
        for (int i = 0; i < 6; i++) {
            assertEquals(w[i], flat[i], 0f);
        }
        assertEquals(b[1], flat[7], 0f);
        Parameters.fromVector(Tensor.arange(0, 8, 1), ps);
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, l.weight().toFloatArray());
        assertArrayEquals(new float[] {6, 7}, l.bias().toFloatArray());
        assertArrayEquals(new float[8], Parameters.gradVector(ps).toFloatArray());
        l.forward(Tensor.ones(1, 3)).sum().backward();
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1}, Parameters.gradVector(ps).toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> Parameters.fromVector(Tensor.zeros(7), ps));
        assertThrows(IllegalArgumentException.class, () -> Parameters.fromVector(Tensor.zeros(DType.FLOAT64, 8), ps));
        assertThrows(IllegalArgumentException.class,
                () -> Parameters.toVector(List.of(Tensor.zeros(2), Tensor.zeros(DType.FLOAT64, 2))));
    }
}
