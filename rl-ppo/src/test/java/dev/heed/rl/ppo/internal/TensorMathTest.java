package dev.heed.rl.ppo.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.heed.core.Autograd;
import dev.heed.core.DType;
import dev.heed.core.Tensor;
import org.junit.jupiter.api.Test;

class TensorMathTest {

    @Test
    void clampMatchesTorchClampInValueAndGradient() {
        Tensor x = Tensor.of(new double[] {0.5, 0.79, 1.0, 1.21, 2.0}, 5).requiresGrad(true);
        Tensor y = TensorMath.clamp(x, 0.8, 1.2);
        assertArrayEquals(new double[] {0.8, 0.8, 1.0, 1.2, 1.2}, y.toDoubleArray(), 1e-15);
        Tensor g = Autograd.grad(y.sum(), x)[0];
        assertArrayEquals(new double[] {0, 0, 1, 0, 0}, g.toDoubleArray(), 0.0);
    }

    @Test
    void clippedSurrogateHasTheTextbookGradient() {
        // min(rA, clip(r)A): for A > 0 the gradient is A while r < 1+ε and 0 beyond; for A < 0 it is A
        // while r > 1−ε and 0 below.
        Tensor r = Tensor.of(new double[] {0.9, 1.3, 0.7, 1.1}, 4).requiresGrad(true);
        Tensor a = Tensor.of(new double[] {2, 2, -3, -3}, 4);
        Tensor obj = TensorMath.minimum(r.mul(a), TensorMath.clamp(r, 0.8, 1.2).mul(a));
        assertArrayEquals(new double[] {1.8, 2.4, -2.4, -3.3}, obj.toDoubleArray(), 1e-12);
        Tensor g = Autograd.grad(obj.sum(), r)[0];
        assertArrayEquals(new double[] {2, 0, 0, -3}, g.toDoubleArray(), 0.0);
    }

    @Test
    void minimumBroadcasts() {
        Tensor a = Tensor.of(new double[] {1, 5}, 2);
        Tensor b = Tensor.scalar(DType.FLOAT64, 3);
        assertArrayEquals(new double[] {1, 3}, TensorMath.minimum(a, b).toDoubleArray(), 0.0);
    }
}
