package dev.heed.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.DType;
import dev.heed.core.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Optimizers on f(p) = sum(p^2) (gradient 2p) against numbers worked out by hand from the
 * published update equations.
 */
class OptimizersTest {

    private static Tensor param(DType dt, double... v) {
        return (dt == DType.FLOAT64 ? Tensor.of(v, v.length) : Tensor.of(toFloat(v), v.length)).requiresGrad(true);
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static void quadraticStep(Optimizer opt, Tensor p) {
        opt.zeroGrad();
        p.mul(p).sum().backward();
        opt.step();
    }

    @Test
    void sgdPlainMomentumNesterovDampeningWeightDecay() {
        // plain: p <- p - 0.1 * 2p = 0.8 p
        Tensor p = param(DType.FLOAT64, 1.0);
        SGD sgd = new SGD(List.of(p), 0.1);
        quadraticStep(sgd, p);
        assertEquals(0.8, p.item(), 1e-15);

        // momentum 0.9: b1 = 2, p1 = 0.8; b2 = 1.8 + 1.6 = 3.4, p2 = 0.46; b3 = 3.06 + 0.92 = 3.98, p3 = 0.062
        p = param(DType.FLOAT64, 1.0);
        sgd = new SGD(List.of(p), SGD.config().lr(0.1).momentum(0.9));
        double[] expect = {0.8, 0.46, 0.062};
        for (double e : expect) {
            quadraticStep(sgd, p);
            assertEquals(e, p.item(), 1e-14);
        }

        // Nesterov: b1 = 2, d = 2 + 1.8 = 3.8, p1 = 0.62; g2 = 1.24, b2 = 3.04, d = 1.24 + 2.736, p2 = 0.2224
        p = param(DType.FLOAT64, 1.0);
        sgd = new SGD(List.of(p), SGD.config().lr(0.1).momentum(0.9).nesterov(true));
        quadraticStep(sgd, p);
        assertEquals(0.62, p.item(), 1e-14);
        quadraticStep(sgd, p);
        assertEquals(0.2224, p.item(), 1e-14);

        // dampening 0.5: first step undamped (b = g = 2, p = 0.8); b2 = 1.8 + 0.5 * 1.6 = 2.6, p2 = 0.54
        p = param(DType.FLOAT64, 1.0);
        sgd = new SGD(List.of(p), SGD.config().lr(0.1).momentum(0.9).dampening(0.5));
        quadraticStep(sgd, p);
        quadraticStep(sgd, p);
        assertEquals(0.54, p.item(), 1e-14);

        // weight decay 0.1: d = 2p + 0.1p, p <- 0.79 p
        p = param(DType.FLOAT32, 1.0, -2.0);
        sgd = new SGD(List.of(p), SGD.config().lr(0.1).weightDecay(0.1));
        quadraticStep(sgd, p);
        quadraticStep(sgd, p);
        assertArrayEquals(new float[] {0.6241f, -1.2482f}, p.toFloatArray(), 1e-6f);

        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(param(DType.FLOAT64, 1)),
                SGD.config().nesterov(true)));
    }

    /** Textbook Adam: m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t), p -= lr m_hat / (sqrt(v_hat) + eps). */
    private static double[] textbookAdam(double p, int steps, double lr, double eps, double wd, boolean decoupled,
            boolean amsgrad) {
        double m = 0;
        double v = 0;
        double vmax = 0;
        double[] out = new double[steps];
        for (int t = 1; t <= steps; t++) {
            double g = 2 * p + (decoupled ? 0 : wd * p);   // gradient at the current point
            if (decoupled) {
                p -= lr * wd * p;
            }
            m = 0.9 * m + 0.1 * g;
            v = 0.999 * v + 0.001 * g * g;
            vmax = Math.max(vmax, v);
            double mHat = m / (1 - Math.pow(0.9, t));
            double vHat = (amsgrad ? vmax : v) / (1 - Math.pow(0.999, t));
            p -= lr * mHat / (Math.sqrt(vHat) + eps);
            out[t - 1] = p;
        }
        return out;
    }

    @Test
    void adamFirstStepsByHand() {
        Tensor p = param(DType.FLOAT64, 1.0);
        Adam adam = new Adam(List.of(p), 0.1);
        // step 1: m_hat = g = 2, v_hat = 4 -> p = 1 - 0.1 * 2 / (2 + 1e-8)
        quadraticStep(adam, p);
        assertEquals(1 - 0.1 * 2 / (2 + 1e-8), p.item(), 1e-15);
        // step 2 worked by hand: g = 1.8000000010, m = 0.36, v = 0.007236, m_hat = 0.36/0.19, v_hat = 0.007236/0.001999
        quadraticStep(adam, p);
        assertEquals(0.80041223, p.item(), 1e-8);
        double[] ref = textbookAdam(1.0, 6, 0.1, 1e-8, 0, false, false);
        for (int t = 2; t < 6; t++) {
            quadraticStep(adam, p);
            assertEquals(ref[t], p.item(), 1e-13, "step " + (t + 1));
        }
        assertEquals(6, adam.stepCount(0));
    }

    @Test
    void adamVariantsMatchTextbookEquations() {
        double[][] cases = {
            // lr, eps, wd, decoupled, amsgrad
            {0.05, 1e-5, 0.0, 0, 0},
            {0.05, 1e-8, 0.3, 0, 0},   // Adam with L2
            {0.05, 1e-8, 0.3, 1, 0},   // AdamW
            {0.05, 1e-8, 0.0, 0, 1},   // AMSGrad
        };
        for (double[] c : cases) {
            boolean decoupled = c[3] == 1;
            Tensor p = param(DType.FLOAT64, 1.5);
            Tensor q = param(DType.FLOAT32, 1.5);
            Adam.Config cfg = (decoupled ? AdamW.config() : Adam.config()).lr(c[0]).eps(c[1]).weightDecay(c[2])
                    .amsgrad(c[4] == 1);
            Adam a = decoupled ? new AdamW(List.of(p), cfg) : new Adam(List.of(p), cfg);
            Adam b = decoupled ? new AdamW(List.of(q), cfg) : new Adam(List.of(q), cfg);
            double[] ref = textbookAdam(1.5, 25, c[0], c[1], c[2], decoupled, c[4] == 1);
            for (int t = 0; t < 25; t++) {
                quadraticStep(a, p);
                quadraticStep(b, q);
                assertEquals(ref[t], p.item(), 1e-12, java.util.Arrays.toString(c) + " step " + (t + 1));
                assertEquals(ref[t], q.item(), 2e-6, java.util.Arrays.toString(c) + " float32 step " + (t + 1));
            }
        }
    }

    @Test
    void adamwDecaysOnlyItsGroupAndSkipsParamsWithoutGrad() {
        Tensor w = param(DType.FLOAT64, 2.0, 2.0).reshape(1, 2).detach().requiresGrad(true);
        Tensor b = param(DType.FLOAT64, 2.0);
        Tensor unused = param(DType.FLOAT64, 7.0);
        List<ParamGroup> groups = ParamGroup.decayMatricesOnly(Map.of("w", w), 0.5);
        groups = List.of(groups.get(0), ParamGroup.of(List.of(b)).weightDecay(0.0), ParamGroup.of(List.of(unused)));
        AdamW opt = new AdamW(groups, AdamW.config().lr(0.1));
        opt.zeroGrad();
        w.sum().add(b.sum()).backward();   // gradient 1 everywhere -> Adam step of exactly lr / (1 + eps)
        opt.step();
        double adamStep = 0.1 / (1 + 1e-8);
        assertEquals(2.0 * (1 - 0.1 * 0.5) - adamStep, w.get(0, 0), 1e-15);
        assertEquals(2.0 - adamStep, b.item(), 1e-15);
        assertEquals(7.0, unused.item(), 0.0);
        assertEquals(0, opt.stepCount(2));
        assertEquals(0.01, opt.groups().get(2).weightDecay(), 0.0);
    }

    @Test
    void clipGradNormScalesToTheGlobalNorm() {
        Tensor a = param(DType.FLOAT32, 0, 0);
        Tensor b = param(DType.FLOAT64, 0);
        a.setGrad(Tensor.of(new float[] {3, 4}, 2));
        b.setGrad(Tensor.of(new double[] {12}, 1));
        Tensor none = param(DType.FLOAT32, 1);
        double norm = GradClip.clipGradNorm(List.of(a, b, none), 100);
        assertEquals(13.0, norm, 1e-12);
        assertArrayEquals(new float[] {3, 4}, a.grad().toFloatArray());
        norm = GradClip.clipGradNorm(List.of(a, b, none), 6.5);
        assertEquals(13.0, norm, 1e-12);
        double coef = 6.5 / (13 + 1e-6);
        assertArrayEquals(new float[] {(float) (3 * coef), (float) (4 * coef)}, a.grad().toFloatArray(), 1e-6f);
        assertEquals(12 * coef, b.grad().item(), 1e-12);
        assertEquals(6.5, GradClip.clipGradNorm(List.of(a, b), 100), 1e-5);
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipGradNorm(List.of(a), 0));
    }

    @Test
    void stateSaveRestoreContinuesIdentically() {
        Tensor p = param(DType.FLOAT32, 1.0, -0.5, 2.0);
        Adam a = new Adam(List.of(p), Adam.config().lr(0.05).amsgrad(true));
        for (int i = 0; i < 3; i++) {
            quadraticStep(a, p);
        }
        Map<String, Tensor> state = a.stateDict();
        assertEquals(3, (long) state.get("param.0.step").item());
        Tensor p2 = param(DType.FLOAT32, p.toDoubleArray());
        Adam b = new Adam(List.of(p2), Adam.config().lr(0.9).amsgrad(true));
        b.loadStateDict(state);
        assertEquals(0.05, b.lr(), 0.0);
        for (int i = 0; i < 4; i++) {
            quadraticStep(a, p);
            quadraticStep(b, p2);
        }
        assertArrayEquals(p.toFloatArray(), p2.toFloatArray(), 0f);
        assertEquals(7, b.stepCount(0));

        Map<String, Tensor> bad = new java.util.LinkedHashMap<>(state);
        bad.put("param.0.exp_avg", Tensor.zeros(4));
        bad.put("param.3.exp_avg", Tensor.zeros(3));
        bad.put("param.0.momentum_buffer", Tensor.zeros(3));
        float[] before = p2.toFloatArray();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(bad));
        assertTrue(e.getMessage().contains("param.0.exp_avg") && e.getMessage().contains("param.3.exp_avg")
                && e.getMessage().contains("momentum_buffer"), e.getMessage());
        quadraticStep(a, p);
        quadraticStep(b, p2);
        assertArrayEquals(p.toFloatArray(), p2.toFloatArray(), 0f);
        assertTrue(before[0] != p2.toFloatArray()[0]);
    }
}
