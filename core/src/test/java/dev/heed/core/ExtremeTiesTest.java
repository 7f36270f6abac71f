package dev.heed.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * Gradients of max/min on ties, against the rule PyTorch documents for amax/amin and the full
 * max(): the gradient is divided evenly among the elements equal to the extreme.
 */
class ExtremeTiesTest {

    private static double[] gradOf(Tensor x, java.util.function.Function<Tensor, Tensor> f) {
        Tensor p = x.detach().requiresGrad(true);
        f.apply(p).sum().backward();
        return p.grad().toDoubleArray();
    }

    @Test
    void fullReductionSplitsAmongAllTies() {
        Tensor x = Tensor.of(new double[] {5, 5, 5, 1}, 2, 2);
        assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3, 0}, gradOf(x, Tensor::max), 1e-15);
        assertArrayEquals(new double[] {0, 0, 0, 1}, gradOf(x, Tensor::min), 1e-15);
        // reducing both axes at once is one reduction over four elements, not two rounds of halves
        assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3, 0},
                gradOf(x, t -> t.max(new int[] {0, 1}, false)), 1e-15);
    }

    @Test
    void perAxisReductionSplitsWithinEachSlice() {
        Tensor x = Tensor.of(new double[] {2, 2, 1, 0, 3, 3, 3, 1}, 2, 4);
        // row 0: two maxima; row 1: three maxima
        assertArrayEquals(new double[] {0.5, 0.5, 0, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0},
                gradOf(x, t -> t.max(1)), 1e-15);
        // columns: (2,3) (2,3) (1,3) (0,1): no ties
        assertArrayEquals(new double[] {1, 1, 1, 1, 0, 0, 0, 0}, gradOf(x, t -> t.min(0)), 1e-15);
        // float32 takes the same path
        assertArrayEquals(new float[] {0.5f, 0.5f, 0, 0, 1f / 3, 1f / 3, 1f / 3, 0},
                gradOfFloat(x.to(DType.FLOAT32)), 1e-7f);
    }

    private static float[] gradOfFloat(Tensor x) {
        Tensor p = x.detach().requiresGrad(true);
        p.max(1).sum().backward();
        return p.grad().toFloatArray();
    }

    @Test
    void aNaNExtremeSendsTheGradientToTheFirstNaN() {
        Tensor x = Tensor.of(new double[] {1, Double.NaN, Double.NaN, 4}, 4);
        assertArrayEquals(new double[] {0, 1, 0, 0}, gradOf(x, Tensor::max), 0);
    }
}
