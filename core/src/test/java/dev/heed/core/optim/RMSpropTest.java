package dev.heed.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heed.core.DType;
import dev.heed.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RMSprop on f(p) = p^2 (gradient 2p) from p = 1, lr 0.01, alpha 0.99, numbers worked by hand. */
class RMSpropTest {

    private static void step(Optimizer opt, Tensor p) {
        opt.zeroGrad();
        p.mul(p).sum().backward();
        opt.step();
    }

    private static Tensor one(DType dt) {
        return Tensor.ones(dt, 1).requiresGrad(true);
    }

    @Test
    void plain() {
        Tensor p = one(DType.FLOAT64);
        RMSprop opt = new RMSprop(List.of(p), 0.01);
        // s = 0.01 * 4 = 0.04, avg = 0.2 + 1e-8, p = 1 - 0.01 * 2 / avg
        step(opt, p);
        assertEquals(1 - 0.02 / (0.2 + 1e-8), p.item(), 1e-15);
        // g = 1.8, s = 0.0396 + 0.0324 = 0.072, p = 0.9 - 0.01 * 1.8 / (sqrt(0.072) + 1e-8)
        double p1 = p.item();
        step(opt, p);
        assertEquals(p1 - 0.01 * 2 * p1 / (Math.sqrt(0.99 * 0.04 + 0.01 * 4 * p1 * p1) + 1e-8), p.item(), 1e-15);
        assertEquals(0.832918, p.item(), 1e-6);
        Tensor q = one(DType.FLOAT32);
        RMSprop f = new RMSprop(List.of(q), RMSprop.config().lr(0.01).eps(1e-5));
        step(f, q);
        assertEquals(1 - 0.02 / (0.2 + 1e-5), q.item(), 1e-7);
    }

    @Test
    void centeredAndMomentum() {
        Tensor p = one(DType.FLOAT64);
        RMSprop c = new RMSprop(List.of(p), RMSprop.config().lr(0.01).centered(true));
        // grad_avg = 0.02, avg = sqrt(0.04 - 0.0004) + eps
        step(c, p);
        assertEquals(1 - 0.02 / (Math.sqrt(0.0396) + 1e-8), p.item(), 1e-15);

        Tensor q = one(DType.FLOAT64);
        RMSprop m = new RMSprop(List.of(q), RMSprop.config().lr(0.01).momentum(0.9).eps(0));
        step(m, q);   // b = 2 / 0.2 = 10, p = 0.9
        assertEquals(0.9, q.item(), 1e-15);
        step(m, q);   // b = 9 + 1.8 / sqrt(0.072), p = 0.9 - 0.01 b
        assertEquals(0.9 - 0.01 * (9 + 1.8 / Math.sqrt(0.072)), q.item(), 1e-14);
        assertEquals(0.742918, q.item(), 1e-6);

        Tensor r = one(DType.FLOAT64);
        RMSprop wd = new RMSprop(List.of(r), RMSprop.config().lr(0.01).weightDecay(0.5));
        step(wd, r);  // g = 2 + 0.5 = 2.5, s = 0.0625, avg = 0.25
        assertEquals(1 - 0.01 * 2.5 / (0.25 + 1e-8), r.item(), 1e-15);
    }
}
