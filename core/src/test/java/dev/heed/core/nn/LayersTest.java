package dev.heed.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.DType;
import dev.heed.core.GradCheck;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.optim.Adam;
import org.junit.jupiter.api.Test;

class LayersTest {

    @Test
    void linearForwardEqualsLoops() {
        Linear l = new Linear(3, 2, Rng.seeded(1));
        Tensor x = Tensor.randn(Rng.seeded(2), 4, 3);
        float[] w = l.weight().toFloatArray();
        float[] b = l.bias().toFloatArray();
        float[] xv = x.toFloatArray();
        float[] y = l.forward(x).toFloatArray();
        assertArrayEquals(new int[] {4, 2}, l.forward(x).shape());
        for (int i = 0; i < 4; i++) {
            for (int o = 0; o < 2; o++) {
                double acc = b[o];
                for (int k = 0; k < 3; k++) {
                    acc += xv[i * 3 + k] * w[o * 3 + k];
                }
                assertEquals(acc, y[i * 2 + o], 1e-6);
            }
        }
        // batched input [2, 2, 3] -> [2, 2, 2]
        assertArrayEquals(new int[] {2, 2, 2}, l.forward(x.reshape(2, 2, 3)).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.forward(Tensor.zeros(4, 5)));
        assertTrue(e.getMessage().contains("[4, 5]"), e.getMessage());
    }

    @Test
    void linearDefaultInitIsPyTorchs() {
        int in = 50;
        Linear l = new Linear(in, 400, Rng.seeded(3));
        double bound = 1 / Math.sqrt(in);
        float[] w = l.weight().toFloatArray();
        double max = 0;
        double sq = 0;
        for (float v : w) {
            max = Math.max(max, Math.abs(v));
            sq += v * v;
        }
        assertTrue(max <= bound && max > 0.99 * bound, "max " + max + " vs bound " + bound);
        // variance of U(-b, b) is b^2 / 3
        assertEquals(bound * bound / 3, sq / w.length, 0.03 * bound * bound / 3);
        for (float v : l.bias().toFloatArray()) {
            assertTrue(Math.abs(v) <= bound);
        }
        // same seed, same weights
        assertArrayEquals(w, new Linear(in, 400, Rng.seeded(3)).weight().toFloatArray());
    }

    @Test
    void gradientsThroughLinearLayerNormMlpInFloat64() {
        Linear l = new Linear(3, 2, Rng.seeded(1));
        l.to(DType.FLOAT64);
        Tensor x = Tensor.randn(Rng.seeded(2), DType.FLOAT64, 4, 3).requiresGrad(true);
        GradCheck.gradcheck(in -> l.forward(in[0]), x, l.weight(), l.bias());

        LayerNorm ln = new LayerNorm(new int[] {3}, 1e-5, true);
        ln.to(DType.FLOAT64);
        try (NoGrad ignored = NoGrad.enter()) {
            ln.weight().copyFrom(Tensor.of(new double[] {0.5, -1.5, 2.0}, 3));
            ln.bias().copyFrom(Tensor.of(new double[] {0.1, 0.2, -0.3}, 3));
        }
        GradCheck.gradcheck(in -> ln.forward(in[0]), x, ln.weight(), ln.bias());
        GradCheck.gradgradcheck(in -> ln.forward(in[0]), x);

        MLP mlp = new MLP(new int[] {3, 5, 2}, Activation.TANH, Rng.seeded(4));
        mlp.to(DType.FLOAT64);
        Linear first = mlp.linears()[0];
        GradCheck.gradcheck(in -> mlp.forward(in[0]), x, first.weight(), first.bias());
        MLP gelu = new MLP(new int[] {3, 4, 2}, Activation.GELU, Activation.SIGMOID, true, Rng.seeded(5));
        gelu.to(DType.FLOAT64);
        GradCheck.gradcheck(in -> gelu.forward(in[0]), x, gelu.linears()[1].weight());
    }

    @Test
    void gradientsThroughEmbeddingAndDropoutInFloat64() {
        Embedding e = new Embedding(4, 3, Rng.seeded(11));
        e.to(DType.FLOAT64);
        Tensor idx = Tensor.of(new long[] {3, 1, 3}, 3);
        GradCheck.gradcheck(in -> e.forward(idx).tanh(), e.weight());
        Tensor x = Tensor.randn(Rng.seeded(12), DType.FLOAT64, 2, 5).requiresGrad(true);
        // a fresh generator with the same seed per call gives the same mask each time
        GradCheck.gradcheck(in -> Functional.dropout(in[0], 0.4, Rng.seeded(3)).mul(in[0]), x);
        GradCheck.gradgradcheck(in -> Functional.geluTanh(in[0]), x);
        GradCheck.gradgradcheck(in -> Functional.gelu(in[0]), x);
    }

    @Test
    void layerNormMatchesLoopsOverTwoDims() {
        LayerNorm ln = new LayerNorm(new int[] {2, 3}, 1e-5, true);
        Tensor x = Tensor.randn(Rng.seeded(6), DType.FLOAT64, 2, 2, 3);
        ln.to(DType.FLOAT64);
        double[] xv = x.toDoubleArray();
        double[] y = ln.forward(x).toDoubleArray();
        for (int r = 0; r < 2; r++) {
            double mean = 0;
            for (int i = 0; i < 6; i++) {
                mean += xv[r * 6 + i] / 6;
            }
            double var = 0;
            for (int i = 0; i < 6; i++) {
                var += (xv[r * 6 + i] - mean) * (xv[r * 6 + i] - mean) / 6;
            }
            for (int i = 0; i < 6; i++) {
                assertEquals((xv[r * 6 + i] - mean) / Math.sqrt(var + 1e-5), y[r * 6 + i], 1e-12);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ln.forward(Tensor.zeros(DType.FLOAT64, 2, 3, 2)));
        LayerNorm plain = new LayerNorm(new int[] {3}, 1e-5, false);
        assertEquals(0, plain.parameterCount());
    }

    @Test
    void activationsAgainstReferenceValues() {
        double[] xs = {-3, -1, -0.5, 0, 0.5, 1, 2, 3};
        // x * Phi(x) evaluated with an independent erf (published values)
        double[] gelu = {-0.00404969409489031, -0.15865525393145707, -0.15426876936299344, 0.0,
            0.34573123063700656, 0.8413447460685429, 1.9544997361036416, 2.99595030590511};
        Tensor x = Tensor.of(xs, xs.length);
        double[] y = new GELU().forward(x).toDoubleArray();
        // the graph-recording path gives the same values as the one-pass inference path
        double[] yGraph = new GELU().forward(x.detach().requiresGrad(true)).toDoubleArray();
        assertArrayEquals(y, yGraph, 1e-15);
        double[] yt = new GELU(true).forward(x).toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            assertEquals(gelu[i], y[i], 2e-7 * Math.abs(gelu[i]) + 1e-12, "gelu(" + xs[i] + ")");
            double t = 0.5 * xs[i] * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (xs[i] + 0.044715 * Math.pow(xs[i], 3))));
            assertEquals(t, yt[i], 1e-12);
            assertEquals(Math.max(xs[i], 0), new ReLU().forward(x).toDoubleArray()[i], 0);
            assertEquals(Math.tanh(xs[i]), new Tanh().forward(x).toDoubleArray()[i], 1e-15);
            assertEquals(1 / (1 + Math.exp(-xs[i])), new Sigmoid().forward(x).toDoubleArray()[i], 1e-15);
        }
        // GELU'(x) = Phi(x) + x phi(x), checked against the closed form at x = 1 and x = -0.5
        Tensor p = Tensor.of(new double[] {1.0, -0.5}, 2).requiresGrad(true);
        Functional.gelu(p).sum().backward();
        double[] g = p.grad().toDoubleArray();
        assertEquals(0.8413447460685429 + Math.exp(-0.5) / Math.sqrt(2 * Math.PI), g[0], 1e-6);
        assertEquals(0.3085375387259869 - 0.5 * Math.exp(-0.125) / Math.sqrt(2 * Math.PI), g[1], 1e-6);
        GradCheck.gradcheck(in -> Functional.gelu(in[0]), Tensor.randn(Rng.seeded(9), DType.FLOAT64, 7).requiresGrad(true));
        assertEquals(x, new Identity().forward(x));
    }

    @Test
    void embeddingLooksUpRowsAndAccumulatesGradients() {
        Embedding e = new Embedding(5, 3, Rng.seeded(7));
        float[] w = e.weight().toFloatArray();
        Tensor idx = Tensor.of(new long[] {4, 0, 4, 2}, 2, 2);
        Tensor y = e.forward(idx);
        assertArrayEquals(new int[] {2, 2, 3}, y.shape());
        float[] yv = y.toFloatArray();
        long[] iv = idx.toLongArray();
        for (int i = 0; i < 4; i++) {
            for (int d = 0; d < 3; d++) {
                assertEquals(w[(int) iv[i] * 3 + d], yv[i * 3 + d], 0f);
            }
        }
        y.mul(2.0).sum().backward();
        // row 4 used twice, rows 0 and 2 once, 1 and 3 never
        assertArrayEquals(new float[] {2, 2, 2, 0, 0, 0, 2, 2, 2, 0, 0, 0, 4, 4, 4}, e.weight().grad().toFloatArray());
        try (NoGrad ignored = NoGrad.enter()) {
            assertArrayEquals(yv, e.forward(idx).toFloatArray());
        }
        assertThrows(IllegalArgumentException.class, () -> e.forward(Tensor.of(new long[] {5})));
        assertThrows(IllegalArgumentException.class, () -> e.forward(Tensor.of(new float[] {1f})));
        // N(0, 1) default
        float[] big = new Embedding(100, 100, Rng.seeded(8)).weight().toFloatArray();
        double s = 0;
        double s2 = 0;
        for (float v : big) {
            s += v;
            s2 += v * v;
        }
        assertEquals(0, s / big.length, 0.03);
        assertEquals(1, s2 / big.length, 0.04);
    }

    @Test
    void dropoutTrainAndEval() {
        Dropout d = new Dropout(0.25, Rng.seeded(10));
        Tensor x = Tensor.ones(10000);
        float[] y = d.forward(x).toFloatArray();
        int zeros = 0;
        for (float v : y) {
            if (v == 0f) {
                zeros++;
            } else {
                assertEquals(1 / 0.75, v, 1e-6);
            }
        }
        assertEquals(0.25, zeros / 10000.0, 0.015);
        d.eval();
        assertEquals(x, d.forward(x));
        assertArrayEquals(y, new Dropout(0.25, Rng.seeded(10)).forward(x).toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5, Rng.seeded(1)));
        assertArrayEquals(new float[3], Functional.dropout(Tensor.ones(3), 1.0, Rng.seeded(1)).toFloatArray());
    }

    @Test
    void sequentialAndMlpStructure() {
        MLP mlp = new MLP(new int[] {2, 8, 8, 1}, Activation.TANH, Activation.SIGMOID, true, Rng.seeded(1));
        assertEquals(java.util.List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"),
                java.util.List.copyOf(mlp.stateDict().keySet()));
        assertEquals(6, mlp.size());
        assertTrue(mlp.get(5) instanceof Sigmoid);
        assertEquals(2 * 8 + 8 + 8 * 8 + 8 + 8 + 1, mlp.parameterCount());
        assertThrows(IllegalArgumentException.class, () -> new MLP(new int[] {3}, Activation.RELU, Rng.seeded(1)));
        Sequential s = new Sequential(new Linear(2, 2, Rng.seeded(1)), new ReLU());
        assertEquals(2, s.size());
    }

    @Test
    void mlpLearnsXorDeterministically() {
        float[] first = trainXor();
        assertArrayEquals(first, trainXor());
    }

    private static float[] trainXor() {
        Rng rng = Rng.seeded(42);
        MLP mlp = new MLP(new int[] {2, 8, 1}, Activation.TANH, rng);
        Tensor x = Tensor.of(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2);
        Tensor t = Tensor.of(new float[] {0, 1, 1, 0}, 4, 1);
        Adam opt = new Adam(mlp.parameters(), 0.05);
        double loss = Double.NaN;
        for (int i = 0; i < 300; i++) {
            opt.zeroGrad();
            Tensor diff = mlp.forward(x).sub(t);
            Tensor l = diff.mul(diff).mean();
            loss = l.item();
            l.backward();
            opt.step();
        }
        assertTrue(loss < 1e-3, "final loss " + loss);
        float[] y = mlp.forward(x).toFloatArray();
        for (int i = 0; i < 4; i++) {
            assertEquals(t.toFloatArray()[i], y[i], 0.1);
        }
        return y;
    }
}
