package dev.heed.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heed.core.Tensor;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class LrScheduleTest {

    @Test
    void constant() {
        assertEquals(3e-4, LrSchedule.constant(3e-4).lr(12345), 0);
    }

    @Test
    void sb3LinearFn() {
        // get_linear_fn(1.0, 0.05, 0.1): exploration-style; reaches 0.05 after 10% of training
        DoubleUnaryOperator f = LrSchedule.linearFn(1.0, 0.05, 0.1);
        assertEquals(1.0, f.applyAsDouble(1.0), 1e-15);
        assertEquals(1.0 - 0.5 * 0.95, f.applyAsDouble(0.95), 1e-12);   // progress 0.05 = half way
        assertEquals(0.05, f.applyAsDouble(0.9), 1e-12);
        assertEquals(0.05, f.applyAsDouble(0.3), 0);
        // linear_schedule(3e-4) over 1000 steps: lr * remaining
        LrSchedule s = LrSchedule.linear(3e-4, 0, 1, 1000);
        assertEquals(3e-4, s.lr(0), 1e-18);
        assertEquals(3e-4 * 0.75, s.lr(250), 1e-18);
        assertEquals(3e-4 * 0.001, s.lr(999), 1e-18);
        assertEquals(0, s.lr(1000), 1e-18);
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.linearFn(1, 0, 0));
    }

    @Test
    void nanoGptCosineWithWarmup() {
        // learning_rate 6e-4, min_lr 6e-5, warmup 100, decay 1000
        LrSchedule s = LrSchedule.cosineWithWarmup(6e-4, 6e-5, 100, 1000);
        assertEquals(6e-4 * 1 / 101, s.lr(0), 1e-18);
        assertEquals(6e-4 * 50 / 101, s.lr(49), 1e-18);
        assertEquals(6e-4 * 100 / 101, s.lr(99), 1e-18);
        assertEquals(6e-4, s.lr(100), 1e-18);                      // cos(0) = 1
        assertEquals(6e-5 + 0.5 * (6e-4 - 6e-5), s.lr(550), 1e-15); // ratio 0.5: cos = 0
        double r = 0.25;                                           // step 325
        assertEquals(6e-5 + 0.5 * (1 + Math.sqrt(0.5)) * (6e-4 - 6e-5), s.lr(325), 1e-15);
        assertEquals(6e-5, s.lr(1000), 1e-15);
        assertEquals(6e-5, s.lr(5000), 0);
        assertEquals(0.25, r, 0);
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosineWithWarmup(1, 0, 10, 10));
    }

    @Test
    void applySetsEveryGroup() {
        Tensor a = Tensor.zeros(2).requiresGrad(true);
        Tensor b = Tensor.zeros(2, 2).requiresGrad(true);
        AdamW opt = new AdamW(List.of(ParamGroup.of(List.of(a)).lr(1), ParamGroup.of(List.of(b))), AdamW.config());
        LrSchedule.linear(1e-3, 0, 1, 10).apply(opt, 5);
        assertEquals(5e-4, opt.groups().get(0).lr(), 1e-18);
        assertEquals(5e-4, opt.groups().get(1).lr(), 1e-18);
    }
}
