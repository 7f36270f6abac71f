package dev.heed.attention.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import org.junit.jupiter.api.Test;

/** The attention module's fused softmax against core's composite ops. */
class FusedOpsTest {

    @Test
    void fastSoftmaxMatchesCoreInValueAndGradientAndZeroesMaskedRows() {
        Rng rng = Rng.seeded(5);
        float[] a = Tensor.randn(rng, 4, 7).mul(5).toFloatArray();
        for (int j = 0; j < 7; j++) {
            a[7 + j] = Float.NEGATIVE_INFINITY;
        }
        a[20] = Float.NEGATIVE_INFINITY;
        Tensor s1 = Tensor.of(a, 4, 7).requiresGrad(true);
        Tensor s2 = Tensor.of(a, 4, 7).requiresGrad(true);
        Tensor g = Tensor.randn(rng, 4, 7);
        Tensor y1 = FastSoftmax.apply(s1);
        Tensor y2 = s2.softmax(-1);
        org.junit.jupiter.api.Assertions.assertArrayEquals(y2.toFloatArray(), y1.toFloatArray(), 1e-6f);
        y1.backward(g);
        y2.backward(g);
        org.junit.jupiter.api.Assertions.assertArrayEquals(s2.grad().toFloatArray(), s1.grad().toFloatArray(), 1e-6f);
        for (int j = 0; j < 7; j++) {
            assertEquals(0.0, y1.get(1, j), 0.0);
            assertEquals(0.0, s1.grad().get(1, j), 0.0);
        }
    }
}
