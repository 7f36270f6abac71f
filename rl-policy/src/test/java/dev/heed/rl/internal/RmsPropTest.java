package dev.heed.rl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heed.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class RmsPropTest {

    /** PyTorch's RMSprop: v = αv + (1−α)g², p −= lr·g/(√v + ε), hand-computed for two steps. */
    @Test
    void followsPyTorchFormula() {
        Tensor p = Tensor.of(new double[] {1.0, -2.0}, 2).requiresGrad(true);
        RmsProp opt = new RmsProp(List.of(p), 0.01, 0.99, 1e-5);
        p.mul(p).mul(Tensor.of(new double[] {1.0, 0.5}, 2)).sum().backward(); // g = (2, -2)
        opt.step();
        double v0 = 0.01 * 4;
        double p0 = 1.0 - 0.01 * 2 / (Math.sqrt(v0) + 1e-5);
        double p1 = -2.0 - 0.01 * -2 / (Math.sqrt(v0) + 1e-5);
        assertEquals(p0, p.toDoubleArray()[0], 1e-15);
        assertEquals(p1, p.toDoubleArray()[1], 1e-15);
        opt.zeroGrad();
        p.mul(p).mul(Tensor.of(new double[] {1.0, 0.5}, 2)).sum().backward(); // g = (2 p0, p1)
        opt.step();
        double g = 2 * p0;
        double v1 = 0.99 * v0 + 0.01 * g * g;
        assertEquals(p0 - 0.01 * g / (Math.sqrt(v1) + 1e-5), p.toDoubleArray()[0], 1e-15);
        assertEquals(1, opt.stateDict().keySet().stream().filter(k -> k.endsWith("square_avg")).count());
    }
}
