package dev.heed.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Finite-difference checks (float64) of every differentiable op, first and second order. */
class GradCheckOpsTest {

    private static Tensor rnd(long seed, int... shape) {
        return Tensor.randn(Rng.seeded(seed), DType.FLOAT64, shape).requiresGrad(true);
    }

    private static Tensor pos(long seed, int... shape) {
        return Tensor.rand(Rng.seeded(seed), DType.FLOAT64, shape).add(0.5).requiresGrad(true);
    }

    private static void both(GradCheck.Fn f, Tensor... in) {
        GradCheck.gradcheck(f, in);
        GradCheck.gradgradcheck(f, in);
    }

    @Test
    void binaryOpsWithBroadcasting() {
        both(x -> x[0].add(x[1]), rnd(1, 2, 3), rnd(2, 3));
        both(x -> x[0].sub(x[1]), rnd(3, 2, 1), rnd(4, 1, 3));
        both(x -> x[0].mul(x[1]), rnd(5, 2, 3), rnd(6, 2, 1));
        both(x -> x[0].div(x[1]), rnd(7, 3), pos(8, 2, 3));
        GradCheck.gradcheck(x -> x[0].pow(x[1]), pos(9, 2, 2), rnd(10, 2));
        GradCheck.gradcheck(x -> x[0].add(2.0).sub(1.0).mul(3.0).div(4.0).rsub(1.0), rnd(11, 4));
        both(x -> x[0].pow(3.0).add(x[0].pow(2.0)).add(x[0].pow(0.5)), pos(12, 4));
    }

    @Test
    void unaryOps() {
        both(x -> x[0].exp(), rnd(20, 2, 3));
        both(x -> x[0].log(), pos(21, 2, 3));
        both(x -> x[0].tanh(), rnd(22, 2, 3));
        both(x -> x[0].sigmoid(), rnd(23, 5));
        both(x -> x[0].neg(), rnd(24, 3));
        both(x -> x[0].sqrt(), pos(25, 3));
        // relu/abs: keep samples away from the kink at 0
        Tensor away = Tensor.of(new double[] {-1.5, -0.3, 0.4, 2.0}).requiresGrad(true);
        GradCheck.gradcheck(x -> x[0].relu(), away);
        GradCheck.gradcheck(x -> x[0].abs(), away);
        GradCheck.gradcheck(x -> x[0].to(DType.FLOAT32).mul(2.0).to(DType.FLOAT64), 1e-3, 1e-3, 1e-3, rnd(26, 3));
    }

    @Test
    void reductions() {
        both(x -> x[0].sum(), rnd(30, 2, 3));
        both(x -> x[0].sum(1), rnd(31, 2, 3, 2));
        both(x -> x[0].sum(new int[] {0, 2}, true), rnd(32, 2, 3, 2));
        both(x -> x[0].mean(), rnd(33, 3, 2));
        both(x -> x[0].mean(0, true), rnd(34, 3, 2));
        both(x -> x[0].mul(x[0]).mean(new int[] {-1}, false), rnd(35, 2, 3));
    }

    @Test
    void matmulShapes() {
        both(x -> x[0].matmul(x[1]), rnd(40, 2, 3), rnd(41, 3, 4));
        both(x -> x[0].mT().matmul(x[1].mT()), rnd(42, 3, 2), rnd(43, 4, 3));
        both(x -> x[0].matmul(x[1]), rnd(44, 2, 2, 3), rnd(45, 3, 2));
        both(x -> x[0].matmul(x[1]), rnd(46, 2, 1, 2, 3), rnd(47, 3, 3, 2));
        // a batch meeting a transposed matrix (a linear layer) from a non-contiguous view
        both(x -> x[0].transpose(0, 1).matmul(x[1].mT()), rnd(54, 3, 2, 3), rnd(55, 2, 3));
        both(x -> x[0].matmul(x[1]), rnd(48, 3), rnd(49, 3, 2));
        both(x -> x[0].matmul(x[1]), rnd(50, 2, 3), rnd(51, 3));
        both(x -> x[0].matmul(x[1]), rnd(52, 3), rnd(53, 3));
    }

    @Test
    void shapeOps() {
        both(x -> x[0].reshape(3, 2).mul(x[0].transpose(0, 1)), rnd(60, 2, 3));
        both(x -> x[0].permute(2, 0, 1).reshape(-1).mul(Tensor.arange(DType.FLOAT64, 0, 12, 1)), rnd(61, 2, 3, 2));
        both(x -> x[0].unsqueeze(1).expand(2, 3, 2).mul(x[1]), rnd(62, 2, 2), rnd(63, 3, 1));
        both(x -> x[0].unsqueeze(0).squeeze(0).squeeze().copy(), rnd(64, 1, 3));
    }

    @Test
    void softmaxFamily() {
        Tensor w = Tensor.arange(DType.FLOAT64, 1, 7, 1).reshape(2, 3);
        both(x -> x[0].softmax(-1).mul(w), rnd(70, 2, 3));
        both(x -> x[0].softmax(0).mul(w), rnd(71, 2, 3));
        both(x -> x[0].logSoftmax(1).mul(w), rnd(72, 2, 3));
        both(x -> x[0].logSoftmax(0), rnd(73, 3, 2));
    }

    @Test
    void tanhMlpSecondOrder() {
        // the TRPO path: a tiny tanh MLP, Hessian-vector products through matmul + tanh + logSoftmax
        both(x -> x[0].matmul(x[1]).add(x[2]).tanh().matmul(x[3]).logSoftmax(-1).sum(0),
                rnd(80, 3, 2), rnd(81, 2, 4), rnd(82, 4), rnd(83, 4, 2));
    }

    @Test
    void checkerDetectsAWrongGradient() {
        Tensor x = rnd(90, 3);
        // detach hides a factor from autograd, so the analytic gradient is wrong
        AssertionError e = assertThrows(AssertionError.class, () -> GradCheck.gradcheck(in -> in[0].mul(in[0].detach()), x));
        assertTrue(e.getMessage().contains("mismatch"), e.getMessage());
        assertThrows(AssertionError.class, () -> GradCheck.gradcheck(in -> in[0].exp(),
                Tensor.ones(2).requiresGrad(true)));
    }
}
