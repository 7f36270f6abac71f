package dev.heed.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class AutogradTest {

    @Test
    void backwardOfPolynomialMatchesHandDerivative() {
        // f(x) = sum(x^3 + 2x), f'(x) = 3x^2 + 2
        Tensor x = Tensor.of(new double[] {1, -2, 0.5}).requiresGrad(true);
        x.pow(3).add(x.mul(2.0)).sum().backward();
        assertArrayEquals(new double[] {5, 14, 2.75}, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void gradientsAccumulateUntilZeroed() {
        Tensor w = Tensor.of(new double[] {2, 3}).requiresGrad(true);
        w.mul(w).sum().backward();
        w.sum().backward();
        assertArrayEquals(new double[] {5, 7}, w.grad().toDoubleArray(), 1e-12);
        w.zeroGrad();
        assertArrayEquals(new double[] {0, 0}, w.grad().toDoubleArray());
        w.mul(3.0).sum().backward();
        assertArrayEquals(new double[] {3, 3}, w.grad().toDoubleArray());
    }

    @Test
    void sharedGradientBuffersAreNotAliased() {
        // add's backward hands the same gradient tensor to both inputs
        Tensor a = Tensor.ones(DType.FLOAT64, 2).requiresGrad(true);
        Tensor b = Tensor.ones(DType.FLOAT64, 2).requiresGrad(true);
        a.add(b).sum().backward();
        try (NoGrad ignored = NoGrad.enter()) {
            a.grad().mulInPlace(10.0);
        }
        assertArrayEquals(new double[] {1, 1}, b.grad().toDoubleArray());
    }

    @Test
    void noGradScopeRecordsNothingAndIsPerThread() throws InterruptedException {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        AtomicBoolean otherThreadRecords = new AtomicBoolean();
        try (NoGrad ignored = NoGrad.enter()) {
            assertFalse(Autograd.isGradEnabled());
            Tensor y = x.mul(2.0);
            assertFalse(y.requiresGrad());
            assertTrue(y.isLeaf());
            Thread t = new Thread(() -> otherThreadRecords.set(x.mul(2.0).requiresGrad()));
            t.start();
            t.join();
            try (NoGrad on = NoGrad.enableGrad()) {
                assertTrue(x.mul(2.0).requiresGrad());
            }
            assertFalse(Autograd.isGradEnabled());
        }
        assertTrue(otherThreadRecords.get());
        assertTrue(Autograd.isGradEnabled());
        assertTrue(x.mul(2.0).requiresGrad());
    }

    @Test
    void detachCutsTheGraphButSharesData() {
        Tensor x = Tensor.of(new double[] {1, 2}).requiresGrad(true);
        Tensor y = x.mul(3.0);
        Tensor dy = y.detach();
        assertFalse(dy.requiresGrad());
        assertTrue(dy.isLeaf());
        x.mul(dy).sum().backward(); // d/dx sum(x * 3x_detached) = 3x
        assertArrayEquals(new double[] {3, 6}, x.grad().toDoubleArray(), 1e-12);
        assertNull(Tensor.ones(1).grad());
    }

    @Test
    void gradReturnsGradientsWithoutTouchingLeafGrads() {
        Tensor x = Tensor.of(new double[] {1, 2, 3}).requiresGrad(true);
        Tensor y = Tensor.of(new double[] {4, 5, 6}).requiresGrad(true);
        Tensor h = x.mul(y);
        Tensor out = h.sum();
        Tensor[] g = Autograd.grad(new Tensor[] {out}, new Tensor[] {x, h}, null, false, true);
        assertArrayEquals(new double[] {4, 5, 6}, g[0].toDoubleArray());
        assertArrayEquals(new double[] {1, 1, 1}, g[1].toDoubleArray());
        assertNull(x.grad());
        assertNull(y.grad());
        // an input the output does not depend on gets zeros
        Tensor unused = Tensor.zeros(DType.FLOAT64, 2).requiresGrad(true);
        Tensor[] g2 = Autograd.grad(out, x, unused);
        assertArrayEquals(new double[] {0, 0}, g2[1].toDoubleArray());
        // non-scalar output with explicit gradOutputs: vector-Jacobian product
        Tensor v = Tensor.of(new double[] {1, 0, -1});
        Tensor[] vjp = Autograd.grad(new Tensor[] {x.mul(x)}, new Tensor[] {x}, new Tensor[] {v}, false, false);
        assertArrayEquals(new double[] {2, 0, -6}, vjp[0].toDoubleArray(), 1e-12);
    }

    @Test
    void hessianVectorProductIsTwoGradCalls() {
        // f(w) = sum(exp(w) * w^2) has Hessian diag((w^2 + 4w + 2) e^w)
        Tensor w = Tensor.of(new double[] {0.5, -1, 2}).requiresGrad(true);
        Tensor v = Tensor.of(new double[] {1, 2, -1});
        Tensor f = w.exp().mul(w.pow(2)).sum();
        Tensor g = Autograd.grad(new Tensor[] {f}, new Tensor[] {w}, null, true, true)[0];
        assertTrue(g.requiresGrad());
        Tensor hv = Autograd.grad(g.mul(v).sum(), w)[0];
        double[] wv = w.toDoubleArray();
        double[] vv = v.toDoubleArray();
        for (int i = 0; i < 3; i++) {
            double h = (wv[i] * wv[i] + 4 * wv[i] + 2) * Math.exp(wv[i]);
            assertEquals(h * vv[i], hv.get(i), 1e-10);
        }
    }

    @Test
    void matmulHessianVectorProductOfQuadraticForm() {
        // f(x) = x^T A x has Hessian A + A^T
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        Tensor x = Tensor.of(new double[] {0.3, -0.7}, 2, 1).requiresGrad(true);
        Tensor f = x.mT().matmul(a).matmul(x).sum();
        Tensor g = Autograd.grad(new Tensor[] {f}, new Tensor[] {x}, null, true)[0];
        Tensor v = Tensor.of(new double[] {1, -1}, 2, 1);
        Tensor hv = Autograd.grad(g.mul(v).sum(), x)[0];
        // (A + A^T) v = [[2, 5], [5, 8]] [1, -1] = [-3, -3]
        assertArrayEquals(new double[] {-3, -3}, hv.toDoubleArray(), 1e-12);
    }

    @Test
    void secondBackwardThroughFreedGraphIsAClearError() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        Tensor loss = x.tanh().sum();
        loss.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("retainGraph") && e.getMessage().contains("second time"), e.getMessage());
        Tensor loss2 = x.tanh().sum();
        loss2.backward(null, true, false);
        loss2.backward();
        float expected = (float) (2 * (1 - Math.pow(Math.tanh(1), 2)));
        assertEquals(expected, x.grad().get(0) - (1 - Math.pow(Math.tanh(1), 2)), 1e-6);
    }

    @Test
    void backwardErrorsAreExplicit() {
        IllegalStateException noGrad = assertThrows(IllegalStateException.class, () -> Tensor.ones(2).sum().backward());
        assertTrue(noGrad.getMessage().contains("does not require grad"), noGrad.getMessage());
        Tensor x = Tensor.ones(2).requiresGrad(true);
        IllegalStateException nonScalar = assertThrows(IllegalStateException.class, () -> x.mul(2.0).backward());
        assertTrue(nonScalar.getMessage().contains("sum()"), nonScalar.getMessage());
        assertThrows(IllegalArgumentException.class, () -> x.mul(2.0).backward(Tensor.ones(3)));
        assertThrows(IllegalStateException.class, () -> x.mul(2.0).requiresGrad(false));
        assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(x.sum(), Tensor.ones(2)));
    }

    @Test
    void leafOutputAndViewChains() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor y = x.transpose(0, 1).reshape(6).unsqueeze(0).mul(Tensor.arange(DType.FLOAT64, 0, 6, 1));
        y.sum().backward();
        // y[k] = xt_flat[k] * k with xt_flat = [x00, x10, x01, x11, x02, x12]
        assertArrayEquals(new double[] {0, 2, 4, 1, 3, 5}, x.grad().toDoubleArray());
        Tensor same = Autograd.grad(new Tensor[] {x}, new Tensor[] {x}, new Tensor[] {Tensor.ones(DType.FLOAT64, 2, 3)},
                false, false)[0];
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, same.toDoubleArray());
        assertSame(DType.FLOAT64, same.dtype());
    }

    @Test
    void inPlaceChangeOfASavedTensorIsDetected() {
        Tensor w = Tensor.of(new double[] {1, 2}).requiresGrad(true);
        Tensor x = Tensor.of(new double[] {3, 4});
        Tensor loss = w.mul(x).sum();
        x.mulInPlace(2.0); // x was saved by mul for w's gradient
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("modified in place") && e.getMessage().contains("'mul'"), e.getMessage());
        // a view shares the version counter with its base
        Tensor y = Tensor.of(new double[] {3, 4});
        Tensor loss2 = w.mul(y.reshape(2)).sum();
        try (NoGrad ignored = NoGrad.enter()) {
            y.reshape(1, 2).fill(0);
        }
        assertThrows(IllegalStateException.class, loss2::backward);
        // updating parameters after backward is the normal optimizer pattern and is fine
        Tensor loss3 = w.mul(Tensor.of(new double[] {1, 1})).sum();
        loss3.backward();
        try (NoGrad ignored = NoGrad.enter()) {
            w.addInPlace(w.grad(), -0.1);
        }
        assertArrayEquals(new double[] {0.9, 1.9}, w.toDoubleArray(), 1e-12);
    }

    @Test
    void repeatedHessianVectorProductsReuseOneGradientGraph() {
        // conjugate-gradient pattern (TRPO): one differentiable gradient, many products with it.
        // f(w) = sum(tanh(A w)) for A = [[1, 2], [3, -1]]; H = A^T diag(-2 t (1 - t^2)) A, t = tanh(A w)
        Tensor a = Tensor.of(new double[] {1, 2, 3, -1}, 2, 2);
        Tensor w = Tensor.of(new double[] {0.1, -0.2}, 2, 1).requiresGrad(true);
        Tensor f = a.matmul(w).tanh().sum();
        Tensor g = Autograd.grad(new Tensor[] {f}, new Tensor[] {w}, null, true, true)[0];
        double[] z = {1 * 0.1 + 2 * -0.2, 3 * 0.1 - 1 * -0.2};
        double[] dd = new double[2];
        for (int i = 0; i < 2; i++) {
            double t = Math.tanh(z[i]);
            dd[i] = -2 * t * (1 - t * t);
        }
        double[][] am = {{1, 2}, {3, -1}};
        for (int rep = 0; rep < 5; rep++) {
            double[] v = {1 + rep, -rep};
            Tensor hv = Autograd.grad(new Tensor[] {g.mul(Tensor.of(v, 2, 1)).sum()}, new Tensor[] {w}, null, false, true)[0];
            for (int i = 0; i < 2; i++) {
                double e = 0;
                for (int k = 0; k < 2; k++) {
                    double av = am[k][0] * v[0] + am[k][1] * v[1];
                    e += am[k][i] * dd[k] * av;
                }
                assertEquals(e, hv.get(i, 0), 1e-12);
            }
        }
    }
}
