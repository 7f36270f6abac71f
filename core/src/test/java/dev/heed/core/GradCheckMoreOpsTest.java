package dev.heed.core;

import org.junit.jupiter.api.Test;

/** Finite-difference checks (float64) of the phase-two ops. */
class GradCheckMoreOpsTest {

    private static Tensor rnd(long seed, int... shape) {
        return Tensor.randn(Rng.seeded(seed), DType.FLOAT64, shape).requiresGrad(true);
    }

    private static Tensor pos(long seed, int... shape) {
        return Tensor.rand(Rng.seeded(seed), DType.FLOAT64, shape).add(0.5).requiresGrad(true);
    }

    /** Values spread away from 0 and from each other, for ops with kinks or ties. */
    private static Tensor spread(int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        int[] perm = Rng.seeded(n).permutation(n);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (perm[i] - n / 2.0 + 0.5) * 0.37;
        }
        return Tensor.of(v, shape).requiresGrad(true);
    }

    private static void both(GradCheck.Fn f, Tensor... in) {
        GradCheck.gradcheck(f, in);
        GradCheck.gradgradcheck(f, in);
    }

    @Test
    void smoothUnaryOps() {
        both(x -> x[0].log1p(), pos(1, 2, 3));
        both(x -> x[0].rsqrt(), pos(2, 4));
        both(x -> x[0].erf(), rnd(3, 4));
        both(x -> x[0].gelu(), rnd(4, 2, 3));
        both(x -> x[0].gelu(true), rnd(5, 2, 3));
        both(x -> x[0].softplus(), rnd(6, 5));
        GradCheck.gradcheck(x -> x[0].softplus(2.0, 3.0), spread(6));
    }

    @Test
    void piecewiseOps() {
        GradCheck.gradcheck(x -> x[0].clamp(-0.5, 0.6), spread(2, 4));
        GradCheck.gradcheck(x -> x[0].clampMin(0.1).add(x[0].clampMax(-0.2)), spread(7));
        GradCheck.gradcheck(x -> x[0].maximum(x[1]).add(x[0].minimum(x[1])), spread(2, 3), rnd(7, 3).mul(0.01).add(0.05)
                .detach().requiresGrad(true));
        Tensor mask = Tensor.of(new boolean[] {true, false, false, true, true, false}, 2, 3);
        both(x -> Tensor.where(mask, x[0], x[1]), rnd(8, 2, 3), rnd(9, 3));
        both(x -> x[0].maskedFill(mask, -7).mul(x[0]), rnd(10, 2, 3));
    }

    @Test
    void reductionsWithSelection() {
        GradCheck.gradcheck(x -> x[0].max(1), spread(3, 4));
        GradCheck.gradcheck(x -> x[0].min(0, true), spread(3, 4));
        GradCheck.gradcheck(x -> x[0].max(new int[] {0, 2}, false), spread(2, 3, 2));
        GradCheck.gradcheck(x -> x[0].max(), spread(5));
        both(x -> x[0].var(new int[] {1}, true, false), rnd(11, 2, 4));
        both(x -> x[0].var(new int[] {0, 1}, false, true), rnd(12, 2, 3));
        both(x -> x[0].logSumExp(1), rnd(13, 2, 3));
        both(x -> x[0].logSumExp(new int[] {0, 2}, true), rnd(14, 2, 2, 3));
    }

    @Test
    void slicingAndJoining() {
        both(x -> x[0].narrow(1, 1, 2).mul(x[0].slice(1, 0, 3, 2)), rnd(20, 2, 3));
        both(x -> Tensor.concat(0, x[0], x[1].mul(2.0), x[0]), rnd(21, 2, 3), rnd(22, 1, 3));
        both(x -> Tensor.stack(1, x[0], x[1]).tanh(), rnd(23, 2, 2), rnd(24, 2, 2));
        both(x -> {
            Tensor[] p = x[0].split(new int[] {1, 2}, 1);
            return p[0].mul(p[1]);
        }, rnd(25, 3, 3));
        both(x -> {
            Tensor[] c = x[0].chunk(2, 0);
            return c[0].sub(c[1].exp());
        }, rnd(26, 4, 2));
    }

    @Test
    void indexingOps() {
        Tensor idx = Tensor.of(new long[] {2, 0, 2});
        both(x -> x[0].indexSelect(0, idx).tanh(), rnd(30, 3, 2));
        both(x -> x[0].indexAdd(1, Tensor.of(new long[] {1, 1}), x[1].mul(x[1])), rnd(31, 2, 3), rnd(32, 2, 2));
        Tensor gi = Tensor.of(new long[] {3, 0, 1, 1, 2, 2}, 3, 2);
        both(x -> x[0].gather(1, gi).exp(), rnd(33, 3, 4));
        Tensor si = Tensor.of(new long[] {0, 0, 2, 1}, 2, 2);
        both(x -> x[0].scatterAdd(1, si, x[1].tanh()), rnd(34, 2, 3), rnd(35, 2, 2));
        both(x -> Tensor.embedding(Tensor.of(new long[] {1, 1, 0}, 3), x[0]).sigmoid(), rnd(36, 2, 3));
    }

    @Test
    void dropoutAndLayerNorm() {
        GradCheck.gradcheck(x -> x[0].dropout(0.5, Rng.seeded(3)), rnd(40, 3, 3));
        both(x -> x[0].layerNorm(new int[] {4}, x[1], x[2], 1e-5), rnd(41, 3, 4), rnd(42, 4), rnd(43, 4));
        both(x -> x[0].layerNorm(new int[] {2, 3}, null, null, 1e-5).mul(Tensor.arange(DType.FLOAT64, 0, 6, 1).reshape(2, 3)),
                rnd(44, 2, 2, 3));
        // only the weight requires grad
        Tensor data = Tensor.randn(Rng.seeded(45), DType.FLOAT64, 2, 3);
        both(x -> data.layerNorm(new int[] {3}, x[0], null, 1e-5).pow(2.0), rnd(46, 3));
    }
}
