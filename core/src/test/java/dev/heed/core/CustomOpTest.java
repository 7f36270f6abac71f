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
}
