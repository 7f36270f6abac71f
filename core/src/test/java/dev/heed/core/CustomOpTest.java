package dev.heed.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CustomOpTest {

    /** y = x^3 computed over raw arrays; dy/dx = 3x^2 written with tensor ops. */
    private static Tensor cube(Tensor x) {
        double[] v = x.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] * v[i] * v[i];
        }
        Tensor y = Tensor.of(v, x.shape());
        return CustomOp.record("cube", y, g -> new Tensor[] {g.mul(x.mul(x).mul(3.0))}, x);
    }

    @Test
    void firstAndSecondOrderGradientsMatchTheCalculus() {
        Tensor x = Tensor.of(new double[] {1.0, -2.0, 0.5}, 3).requiresGrad(true);
        Tensor[] g = Autograd.grad(new Tensor[] {cube(x).sum()}, new Tensor[] {x}, null, true, true);
        assertArrayEquals(new double[] {3.0, 12.0, 0.75}, g[0].toDoubleArray(), 1e-12);
        // d/dx of sum(3x^2) = 6x: the backward used tensor ops, so it is differentiable again.
        Tensor[] h = Autograd.grad(new Tensor[] {g[0].sum()}, new Tensor[] {x}, null, false, false);
        assertArrayEquals(new double[] {6.0, -12.0, 3.0}, h[0].toDoubleArray(), 1e-12);
    }

    @Test
    void nothingIsRecordedWithoutGradients() {
        Tensor x = Tensor.of(new double[] {2.0}, 1);
        assertFalse(cube(x).requiresGrad());
        Tensor p = Tensor.of(new double[] {2.0}, 1).requiresGrad(true);
        try (NoGrad ignored = NoGrad.enter()) {
            assertFalse(cube(p).requiresGrad());
        }
        assertTrue(cube(p).requiresGrad());
    }

    @Test
    void badBackwardIsReportedWithShapes() {
        Tensor x = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
        Tensor y = CustomOp.record("bad", Tensor.of(new double[] {1, 2}, 2), g -> new Tensor[] {g.sum()}, x);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("gradient 0 has shape []"), e.getMessage());
        Tensor z = x.mul(2.0);
        assertThrows(IllegalArgumentException.class, () -> CustomOp.record("again", z, g -> new Tensor[] {g}, x));
    }

    @Test
    void floatValuesShareFreshStorageAndCopyViews() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        float[] a = CustomOp.floatValues(x);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, a);
        assertTrue(a == CustomOp.floatValues(x), "a fresh contiguous tensor is read without a copy");
        // a transposed view and a float64 tensor come back as row-major copies
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, CustomOp.floatValues(x.transpose(0, 1)));
        assertArrayEquals(new float[] {2, 3}, CustomOp.floatValues(x.narrow(1, 1, 2).narrow(0, 0, 1)));
        assertArrayEquals(new float[] {0.5f, 1.5f}, CustomOp.floatValues(Tensor.of(new double[] {0.5, 1.5})));
    }

    @Test
    void adoptWrapsTheArrayAndChecksTheShape() {
        float[] data = {1, 2, 3, 4};
        Tensor t = CustomOp.adopt(data, 2, 2);
        assertArrayEquals(new int[] {2, 2}, t.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4}, t.toFloatArray());
        assertTrue(CustomOp.floatValues(t) == data, "no copy was made");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CustomOp.adopt(data, 3, 2));
        assertTrue(e.getMessage().contains("adopt: shape [3, 2] holds 6 elements but the array has 4"), e.getMessage());
    }
}
