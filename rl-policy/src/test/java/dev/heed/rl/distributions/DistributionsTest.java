package dev.heed.rl.distributions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Autograd;
import dev.heed.core.DType;
import dev.heed.core.GradCheck;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import org.junit.jupiter.api.Test;

class DistributionsTest {

    private static final double LOG_2PI = Math.log(2 * Math.PI);

    @Test
    void gaussianLogProbEntropyKlMatchClosedForms() {
        double[] mu = {0.3, -1.2, 2.0, 0.5};
        double[] ls = {-0.4, 0.7};
        double[] x = {1.0, -0.5, 1.5, 0.0};
        DiagGaussian p = DiagGaussian.of(Tensor.of(mu, 2, 2), Tensor.of(ls, 2));
        double[] lp = p.logProb(Tensor.of(x, 2, 2)).toDoubleArray();
        double[] ent = p.entropy().toDoubleArray();
        for (int i = 0; i < 2; i++) {
            double expLp = 0;
            double expEnt = 0;
            for (int j = 0; j < 2; j++) {
                double s = Math.exp(ls[j]);
                double z = (x[i * 2 + j] - mu[i * 2 + j]) / s;
                expLp += -0.5 * z * z - ls[j] - 0.5 * LOG_2PI;
                expEnt += 0.5 + 0.5 * LOG_2PI + ls[j];
            }
            assertEquals(expLp, lp[i], 1e-12);
            assertEquals(expEnt, ent[i], 1e-12);
        }
        double[] mu2 = {0.0, 0.0, 1.0, 1.0};
        double[] ls2 = {0.1, -0.3, 0.2, 0.0};
        DiagGaussian q = DiagGaussian.of(Tensor.of(mu2, 2, 2), Tensor.of(ls2, 2, 2));
        double[] kl = p.kl(q).toDoubleArray();
        for (int i = 0; i < 2; i++) {
            double e = 0;
            for (int j = 0; j < 2; j++) {
                double sp = Math.exp(ls[j]);
                double sq = Math.exp(ls2[i * 2 + j]);
                double d = mu[i * 2 + j] - mu2[i * 2 + j];
                e += Math.log(sq / sp) + (sp * sp + d * d) / (2 * sq * sq) - 0.5;
            }
            assertEquals(e, kl[i], 1e-12);
        }
        assertEquals(0.0, p.kl(p.detach()).sum().item(), 1e-12);
    }

    @Test
    void categoricalMatchesHandComputation() {
        double[] logits = {1.0, 2.0, 0.5, -1.0, 0.0, 3.0};
        Categorical c = Categorical.fromLogits(Tensor.of(logits, 2, 3));
        double[] lp = c.logProb(Tensor.of(new long[] {1, 2})).toDoubleArray();
        double z0 = Math.exp(1) + Math.exp(2) + Math.exp(0.5);
        double z1 = Math.exp(-1) + Math.exp(0) + Math.exp(3);
        assertEquals(2 - Math.log(z0), lp[0], 1e-12);
        assertEquals(3 - Math.log(z1), lp[1], 1e-12);
        double[] p0 = {Math.exp(1) / z0, Math.exp(2) / z0, Math.exp(0.5) / z0};
        double h0 = 0;
        for (double v : p0) {
            h0 -= v * Math.log(v);
        }
        assertEquals(h0, c.entropy().toDoubleArray()[0], 1e-12);
        Categorical q = Categorical.fromLogits(Tensor.of(new double[] {0, 0, 0, 0, 0, 0}, 2, 3));
        double kl0 = 0;
        for (double v : p0) {
            kl0 += v * Math.log(v / (1.0 / 3));
        }
        assertEquals(kl0, c.kl(q).toDoubleArray()[0], 1e-12);
        assertEquals(1, c.mode().toLongArray()[0]);
        assertEquals(2, c.mode().toLongArray()[1]);
    }

    @Test
    void klHasSecondDerivatives() {
        Rng rng = Rng.seeded(3);
        Tensor mu = Tensor.randn(rng, DType.FLOAT64, 3, 2).requiresGrad(true);
        Tensor ls = Tensor.randn(rng, DType.FLOAT64, 2).mul(0.3).detach().requiresGrad(true);
        Tensor muOld = Tensor.randn(rng, DType.FLOAT64, 3, 2);
        Tensor lsOld = Tensor.randn(rng, DType.FLOAT64, 2).mul(0.3);
        DiagGaussian old = DiagGaussian.of(muOld, lsOld);
        assertTrue(GradCheck.gradcheck(in -> old.kl(DiagGaussian.of(in[0], in[1])).sum(), mu, ls));
        assertTrue(GradCheck.gradgradcheck(in -> old.kl(DiagGaussian.of(in[0], in[1])).sum(), mu, ls));
        Tensor logits = Tensor.randn(rng, DType.FLOAT64, 3, 4).requiresGrad(true);
        Categorical cOld = Categorical.fromLogits(Tensor.randn(rng, DType.FLOAT64, 3, 4));
        assertTrue(GradCheck.gradgradcheck(in -> cOld.kl(Categorical.fromLogits(in[0])).sum(), logits));
        Tensor g = Autograd.grad(DiagGaussian.of(mu, ls).kl(DiagGaussian.of(mu, ls).detach()).sum(), mu)[0];
        assertEquals(0.0, g.abs().sum().item(), 1e-12);
        assertFalse(Double.isNaN(g.sum().item()));
    }

    @Test
    void logProbAndEntropyGradientsMatchFiniteDifferences() {
        Rng rng = Rng.seeded(8);
        Tensor mu = Tensor.randn(rng, DType.FLOAT64, 4, 3).requiresGrad(true);
        Tensor ls = Tensor.randn(rng, DType.FLOAT64, 4, 3).mul(0.5).detach().requiresGrad(true);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 4, 3);
        assertTrue(GradCheck.gradcheck(in -> DiagGaussian.of(in[0], in[1]).logProb(x).sum(), mu, ls));
        assertTrue(GradCheck.gradcheck(in -> DiagGaussian.of(in[0], in[1]).entropy().sum(), mu, ls));
        assertTrue(GradCheck.gradcheck(in -> SquashedDiagGaussian.of(in[0], in[1]).logProbFromPreSquash(x).sum(), mu, ls));
        Tensor logits = Tensor.randn(rng, DType.FLOAT64, 4, 5).requiresGrad(true);
        Tensor a = Tensor.of(new long[] {0, 4, 2, 2});
        assertTrue(GradCheck.gradcheck(in -> Categorical.fromLogits(in[0]).logProb(a).sum(), logits));
        assertTrue(GradCheck.gradcheck(in -> Categorical.fromLogits(in[0]).entropy().sum(), logits));
    }

    /** log p(tanh u) = log N(u; μ, σ) − log(1 − tanh² u + ε), computed by hand. */
    @Test
    void squashedLogProbIncludesTheJacobian() {
        double mu = 0.2;
        double ls = -0.3;
        double u = 0.7;
        SquashedDiagGaussian d = SquashedDiagGaussian.of(Tensor.of(new double[] {mu}, 1, 1), Tensor.of(new double[] {ls}, 1));
        double s = Math.exp(ls);
        double z = (u - mu) / s;
        double t = Math.tanh(u);
        double expected = -0.5 * z * z - ls - 0.5 * LOG_2PI - Math.log(1 - t * t + 1e-6);
        assertEquals(expected, d.logProbFromPreSquash(Tensor.of(new double[] {u}, 1, 1)).item(), 1e-12);
        assertEquals(expected, d.logProb(Tensor.of(new double[] {t}, 1, 1)).item(), 1e-9);
        assertEquals(Math.tanh(mu), d.mode().item(), 1e-12);
    }

    @Test
    void samplesFollowTheDistribution() {
        Rng rng = Rng.seeded(1);
        DiagGaussian g = DiagGaussian.of(Tensor.full(DType.FLOAT64, 1.5, 20000, 1), Tensor.of(new double[] {Math.log(0.5)}, 1));
        double[] x = g.sample(rng).toDoubleArray();
        double m = 0;
        for (double v : x) {
            m += v;
        }
        m /= x.length;
        double var = 0;
        for (double v : x) {
            var += (v - m) * (v - m);
        }
        var /= x.length;
        assertEquals(1.5, m, 0.02);
        assertEquals(0.25, var, 0.01);
        double[] logits = new double[3 * 20000];
        for (int i = 0; i < 20000; i++) {
            logits[3 * i] = 0;
            logits[3 * i + 1] = Math.log(2);
            logits[3 * i + 2] = Math.log(7);
        }
        long[] k = Categorical.fromLogits(Tensor.of(logits, 20000, 3)).sample(rng).toLongArray();
        int[] count = new int[3];
        for (long v : k) {
            count[(int) v]++;
        }
        assertEquals(0.1, count[0] / 20000.0, 0.01);
        assertEquals(0.7, count[2] / 20000.0, 0.015);
    }

    /** Components are independent: logProb, entropy and KL are sums of the per-component values, by hand. */
    @Test
    void multiCategoricalSumsIndependentComponents() {
        double[] logits = {0.0, 1.0, -1.0, 0.5, 2.0}; // components of 2 and 3 classes, one row
        MultiCategorical m = MultiCategorical.fromLogits(Tensor.of(logits, 1, 5), 2, 3);
        double z0 = 1 + Math.exp(1);
        double z1 = Math.exp(-1) + Math.exp(0.5) + Math.exp(2);
        double lp = m.logProb(Tensor.of(new long[] {1, 2}, 1, 2)).item();
        assertEquals(1 - Math.log(z0) + 2 - Math.log(z1), lp, 1e-12);
        double h = 0;
        for (double v : new double[] {1 / z0, Math.exp(1) / z0}) {
            h -= v * Math.log(v);
        }
        for (double v : new double[] {Math.exp(-1) / z1, Math.exp(0.5) / z1, Math.exp(2) / z1}) {
            h -= v * Math.log(v);
        }
        assertEquals(h, m.entropy().item(), 1e-12);
        MultiCategorical u = MultiCategorical.fromLogits(Tensor.zeros(DType.FLOAT64, 1, 5), 2, 3);
        double kl = 0;
        for (double v : new double[] {1 / z0, Math.exp(1) / z0}) {
            kl += v * Math.log(v / 0.5);
        }
        for (double v : new double[] {Math.exp(-1) / z1, Math.exp(0.5) / z1, Math.exp(2) / z1}) {
            kl += v * Math.log(v * 3);
        }
        assertEquals(kl, m.kl(u).item(), 1e-12);
        assertEquals(1, m.mode().toLongArray()[0]);
        assertEquals(2, m.mode().toLongArray()[1]);
        Tensor l = Tensor.of(logits, 1, 5).requiresGrad(true);
        assertTrue(GradCheck.gradgradcheck(in -> u.kl(MultiCategorical.fromLogits(in[0], 2, 3)).sum(), l));
        assertThrows(IllegalArgumentException.class, () -> MultiCategorical.fromLogits(Tensor.zeros(1, 4), 2, 3));
    }

    @Test
    void logStdIsClampedToTheDocumentedRange() {
        Tensor ls = Tensor.of(new double[] {5.0, -30.0, 0.5}, 3).requiresGrad(true);
        DiagGaussian g = DiagGaussian.of(Tensor.zeros(DType.FLOAT64, 1, 3), ls);
        assertArrayEqualsExact(new double[] {DiagGaussian.LOG_STD_MAX, DiagGaussian.LOG_STD_MIN, 0.5},
                g.logStd().toDoubleArray());
        g.entropy().sum().backward();
        assertArrayEqualsExact(new double[] {0, 0, 1}, ls.grad().toDoubleArray());
    }

    private static void assertArrayEqualsExact(double[] expected, double[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, 0.0);
    }

    @Test
    void badInputsAreRejected() {
        Categorical c = Categorical.fromLogits(Tensor.zeros(DType.FLOAT64, 2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.logProb(Tensor.of(new long[] {0, 3})));
        assertTrue(e.getMessage().contains("[0, 3)"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> DiagGaussian.of(Tensor.zeros(2, 3), Tensor.zeros(2)));
    }

    @Test
    void logSumExpOfARowIsStableAndMatchesHandValues() {
        // log(e^0 + e^{ln 3}) = ln 4, read from the middle of an array
        float[] f = {9f, 0f, (float) Math.log(3), 9f};
        assertEquals(Math.log(4), Categorical.logSumExp(f, 1, 2), 1e-7);
        // 1000 + ln 2: exp(1000) overflows, the shifted sum does not
        double[] d = {1000, 1000};
        assertEquals(1000 + Math.log(2), Categorical.logSumExp(d, 0, 2), 1e-12);
        assertEquals(-5.0, Categorical.logSumExp(new double[] {-5}, 0, 1), 0.0);
    }
}

