package dev.heed.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/** Tensor.gelu() on float32 (the fused kernel) against closed forms evaluated in float64. */
class GeluFloat32Test {

    private static double cdf(double x) {
        return 0.5 * Erf.erfc(-x / Math.sqrt(2));
    }

    private static double pdf(double x) {
        return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }

    @Test
    void firstAndSecondDerivativesMatchTheClosedForms() {
        float[] xs = {-6f, -3f, -1.5f, -0.75f, -0.1f, 0f, 0.3f, 1f, 2.5f, 7f};
        Tensor x = Tensor.of(xs, 2, 5).requiresGrad(true);
        Tensor y = x.gelu();
        // one-pass backward (the saved derivative)
        Tensor g = Autograd.grad(new Tensor[] {y.sum()}, new Tensor[] {x}, null, false, true)[0];
        // createGraph backward (the composite formula), differentiated once more
        Tensor gg = Autograd.grad(new Tensor[] {y.sum()}, new Tensor[] {x}, null, true)[0];
        Tensor h = Autograd.grad(new Tensor[] {gg.sum()}, new Tensor[] {x}, null, false)[0];
        for (int i = 0; i < xs.length; i++) {
            double xi = xs[i];
            double d1 = cdf(xi) + xi * pdf(xi);
            double d2 = (2 - xi * xi) * pdf(xi); // d/dx [Phi + x phi] = phi + phi - x^2 phi
            assertEquals(xi * cdf(xi), y.toFloatArray()[i], 3e-7 * Math.max(1, Math.abs(xi)), "y at " + xi);
            assertEquals(d1, g.toFloatArray()[i], 1e-6, "y' at " + xi);
            assertEquals(d1, gg.toFloatArray()[i], 1e-6, "y' (createGraph) at " + xi);
            assertEquals(d2, h.toFloatArray()[i], 1e-6, "y'' at " + xi);
        }
    }

    @Test
    void viewsAndTheApproximateFlagTakeTheSamePath() {
        Tensor base = Tensor.randn(Rng.seeded(4), 4, 6);
        Tensor view = base.transpose(0, 1);
        float[] viaView = view.gelu().toFloatArray();
        float[] viaCopy = view.contiguous().gelu(false).toFloatArray();
        org.junit.jupiter.api.Assertions.assertArrayEquals(viaCopy, viaView);
    }
}
