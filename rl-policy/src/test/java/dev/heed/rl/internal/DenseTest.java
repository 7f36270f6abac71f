package dev.heed.rl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.DType;
import dev.heed.core.GradCheck;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import org.junit.jupiter.api.Test;

class DenseTest {

    /** The fused dense+tanh op against finite differences, first and second order, in float64. */
    @Test
    void fusedTanhLayerPassesGradChecks() {
        Rng rng = Rng.seeded(4);
        Dense d = new Dense(3, 4, Math.sqrt(2), DType.FLOAT64, rng);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 5, 3).requiresGrad(true);
        Tensor w = d.weight();
        Tensor b = d.bias();
        Tensor probe = Tensor.randn(rng, DType.FLOAT64, 5, 4);
        GradCheck.Fn f = in -> d.forwardTanh(in[0]).mul(probe).sum();
        assertTrue(GradCheck.gradcheck(f, x, w, b));
        assertTrue(GradCheck.gradgradcheck(f, x, w, b));
        double[] fused = d.forwardTanh(x).toDoubleArray();
        double[] plain = x.matmul(w.mT()).add(b).tanh().toDoubleArray();
        for (int i = 0; i < fused.length; i++) {
            assertEquals(plain[i], fused[i], 1e-15);
        }
    }

    @Test
    void float32FusedTanhAgreesWithTensorTanh() {
        Rng rng = Rng.seeded(5);
        Dense d = new Dense(6, 8, Double.NaN, DType.FLOAT32, rng);
        Tensor x = Tensor.randn(rng, 7, 6).mul(3);
        double[] fused = d.forwardTanh(x).toDoubleArray();
        double[] plain = x.matmul(d.weight().mT()).add(d.bias()).tanh().toDoubleArray();
        for (int i = 0; i < fused.length; i++) {
            assertEquals(plain[i], fused[i], 2e-6);
        }
    }
}
