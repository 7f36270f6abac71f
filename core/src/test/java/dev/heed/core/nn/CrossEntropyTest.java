package dev.heed.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.DType;
import dev.heed.core.GradCheck;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import org.junit.jupiter.api.Test;

/** The fused cross-entropy against hand values, the unfused composition and finite differences. */
class CrossEntropyTest {

    /** The unfused composition: −mean over counted rows of (log_softmax · onehot). */
    private static Tensor composite(Tensor logits, long[] targets, float[] mask) {
        int n = logits.size(0);
        int v = logits.size(1);
        double[] oh = new double[n * v];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (mask == null || mask[i] != 0f) {
                oh[i * v + (int) targets[i]] = 1;
                count++;
            }
        }
        return logits.logSoftmax(-1).mul(Tensor.of(oh, n, v).to(logits.dtype())).sum().mul(-1.0 / count);
    }

    @Test
    void handValues() {
        Tensor logits = Tensor.of(new double[] {1, 2, 3, 5, 5, 5, 0, 0, 40}, 3, 3);
        // row 0: −log(e³ / (e + e² + e³)); row 1: log 3; row 2 is masked out
        double row0 = -(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));
        double want = (row0 + Math.log(3)) / 2;
        float[] mask = {1, 1, 0};
        long[] targets = {2, 0, 0};
        assertEquals(want, Functional.crossEntropy(logits, targets, mask).item(), 1e-12);
        assertEquals(want, Functional.crossEntropy(logits.to(DType.FLOAT32), targets, mask).item(), 1e-6);
        // a large gap: the target's probability underflows float32, the loss stays finite (≈ 40)
        Tensor far = Tensor.of(new float[] {0, 0, 140}, 1, 3);
        assertEquals(140 + Math.log1p(2 * Math.exp(-140)), Functional.crossEntropy(far, new long[] {0}, null).item(), 1e-4);
    }

    @Test
    void matchesTheCompositionForwardAndBackwardInBothFloatTypes() {
        Rng rng = Rng.seeded(4);
        int n = 37;
        int v = 65;
        long[] targets = new long[n];
        float[] mask = new float[n];
        for (int i = 0; i < n; i++) {
            targets[i] = rng.nextInt(v);
            mask[i] = i % 5 == 3 ? 0f : 1f;
        }
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (float[] m : new float[][] {null, mask}) {
                Tensor a = Tensor.randn(rng, DType.FLOAT64, n, v).mul(3).to(dt).requiresGrad(true);
                Tensor b = a.detach().requiresGrad(true);
                Tensor fused = Functional.crossEntropy(a, targets, m);
                Tensor plain = composite(b, targets, m);
                double tol = dt == DType.FLOAT32 ? 1e-5 : 1e-12;
                assertEquals(plain.item(), fused.item(), tol * Math.abs(plain.item()));
                fused.mul(2.5).backward();
                plain.mul(2.5).backward();
                assertTrue(a.grad().allClose(b.grad(), tol, tol), dt + ": gradients differ");
            }
        }
    }

    @Test
    void gradientsPassFiniteDifferenceChecksToSecondOrder() {
        Rng rng = Rng.seeded(9);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 4, 5).requiresGrad(true);
        long[] targets = {1, 4, 0, 2};
        float[] mask = {1, 0, 1, 1};
        assertTrue(GradCheck.gradcheck(in -> Functional.crossEntropy(in[0], targets, mask), x));
        assertTrue(GradCheck.gradgradcheck(in -> Functional.crossEntropy(in[0], targets, null), x));
        // through a transposed (non-contiguous) view
        Tensor xt = Tensor.randn(rng, DType.FLOAT64, 5, 4).requiresGrad(true);
        assertTrue(GradCheck.gradcheck(in -> Functional.crossEntropy(in[0].t(), targets, null), xt));
    }

    @Test
    void sameInputsGiveTheSameBits() {
        Tensor x = Tensor.randn(Rng.seeded(2), DType.FLOAT32, 50, 65).requiresGrad(true);
        long[] targets = new long[50];
        for (int i = 0; i < 50; i++) {
            targets[i] = (i * 7) % 65;
        }
        Functional.crossEntropy(x, targets, null).backward();
        float[] g1 = x.grad().toFloatArray();
        double l1 = Functional.crossEntropy(x, targets, null).item();
        x.zeroGrad();
        Functional.crossEntropy(x, targets, null).backward();
        assertEquals(l1, Functional.crossEntropy(x, targets, null).item(), 0.0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(g1, x.grad().toFloatArray());
    }

    @Test
    void badInputsAreRejectedWithTheReason() {
        Tensor x = Tensor.zeros(2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Functional.crossEntropy(x, new long[] {0, 3}, null));
        assertTrue(e.getMessage().contains("target 3 of row 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Functional.crossEntropy(x, new long[] {0}, null));
        assertThrows(IllegalArgumentException.class, () -> Functional.crossEntropy(x, new long[] {0, 1}, new float[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> Functional.crossEntropy(Tensor.zeros(6), new long[] {0}, null));
        // a masked row's target is not checked
        assertEquals(Math.log(3), Functional.crossEntropy(x, new long[] {0, 99}, new float[] {1, 0}).item(), 1e-6);
    }
}
