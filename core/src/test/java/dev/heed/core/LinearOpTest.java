package dev.heed.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Tensor#linear}: hand-computed values, the unfused composition, gradients of two orders, bad input. */
class LinearOpTest {

    @Test
    void handComputedValues() {
        // x = [[1, 2], [3, 4]], W = [[1, 0], [1, -1], [2, 1]], b = [0.5, -1, 2]
        // x Wᵀ = [[1, -1, 4], [3, -1, 10]]; + b = [[1.5, -2, 6], [3.5, -2, 12]]
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        Tensor w = Tensor.of(new double[] {1, 0, 1, -1, 2, 1}, 3, 2);
        Tensor b = Tensor.of(new double[] {0.5, -1, 2}, 3);
        Tensor y = x.linear(w, b);
        assertArrayEquals(new int[] {2, 3}, y.shape());
        assertArrayEquals(new double[] {1.5, -2, 6, 3.5, -2, 12}, y.toDoubleArray(), 0.0);
        // the same through a transposed weight view (the weight's storage is [in, out])
        Tensor wt = Tensor.of(new double[] {1, 1, 2, 0, -1, 1}, 2, 3).mT();
        assertArrayEquals(new double[] {1.5, -2, 6, 3.5, -2, 12}, x.linear(wt, b).toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {1, -1, 4, 3, -1, 10}, x.linear(w, null).toDoubleArray(), 0.0);
    }

    @Test
    void matchesTheCompositionInValueAndGradient() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Rng rng = Rng.seeded(41);
            // in = 300 spans two float32 chunks and two float64 chunks
            for (int in : new int[] {5, 300}) {
                Tensor x = Tensor.randn(rng, dt, 3, 7, in).requiresGrad(true);
                Tensor w = Tensor.randn(rng, dt, 11, in).requiresGrad(true);
                Tensor b = Tensor.randn(rng, dt, 11).requiresGrad(true);
                Tensor g = Tensor.randn(rng, dt, 3, 7, 11);
                Tensor fused = x.linear(w, b);
                fused.backward(g);
                double[] gx = x.grad().toDoubleArray();
                double[] gw = w.grad().toDoubleArray();
                double[] gb = b.grad().toDoubleArray();
                x.zeroGrad();
                w.zeroGrad();
                b.zeroGrad();
                Tensor plain = x.matmul(w.mT()).add(b);
                plain.backward(g);
                double tol = dt == DType.FLOAT32 ? 2e-4 * Math.sqrt(in) : 1e-12 * in;
                assertArrayEquals(plain.toDoubleArray(), fused.toDoubleArray(), tol, dt + " in=" + in);
                assertArrayEquals(x.grad().toDoubleArray(), gx, tol);
                assertArrayEquals(w.grad().toDoubleArray(), gw, tol);
                assertArrayEquals(b.grad().toDoubleArray(), gb, tol);
            }
        }
    }

    @Test
    void gradientsOfFirstAndSecondOrder() {
        Rng rng = Rng.seeded(42);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 2, 3, 4).requiresGrad(true);
        Tensor w = Tensor.randn(rng, DType.FLOAT64, 5, 4).requiresGrad(true);
        Tensor b = Tensor.randn(rng, DType.FLOAT64, 5).requiresGrad(true);
        assertTrue(GradCheck.gradcheck(in -> in[0].linear(in[1], in[2]), x, w, b));
        // second order needs a non-linear use of the output
        assertTrue(GradCheck.gradgradcheck(in -> in[0].linear(in[1], in[2]).tanh(), x, w, b));
        // a non-contiguous input takes the composed path and still differentiates
        Tensor xt = Tensor.randn(rng, DType.FLOAT64, 4, 3).requiresGrad(true);
        assertTrue(GradCheck.gradcheck(in -> in[0].mT().linear(in[1], in[2]), xt, w, b));
    }

    @Test
    void badInputNamesTheShapes() {
        Tensor x = Tensor.zeros(2, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> x.linear(Tensor.zeros(3, 5), Tensor.zeros(3)));
        assertTrue(e.getMessage().contains("linear: input of shape [2, 4] does not fit a weight of shape [3, 5]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> x.linear(Tensor.zeros(3, 4), Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("bias of shape [4]") && e.getMessage().contains("expected [3]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> x.linear(Tensor.zeros(3, 4), Tensor.zeros(3).to(DType.FLOAT64)));
        assertTrue(e.getMessage().startsWith("linear"), e.getMessage());
        assertEquals(2, x.linear(Tensor.zeros(3, 4), Tensor.zeros(3)).shape().length);
    }
}
