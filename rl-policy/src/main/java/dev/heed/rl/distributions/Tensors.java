package dev.heed.rl.distributions;

import dev.heed.core.DType;
import dev.heed.core.Tensor;

/** Package-private helpers: array to tensor in a float dtype, differentiable clamp. */
final class Tensors {

    private Tensors() {}

    static Tensor tensor(double[] data, DType dtype, int... shape) {
        if (dtype == DType.FLOAT64) {
            return Tensor.of(data, shape);
        }
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return Tensor.of(f, shape);
    }

    /** {@code lo + relu(x − lo)}, then {@code hi − relu(hi − y)}: gradient 1 inside, 0 outside; any order. */
    static Tensor clamp(Tensor x, double lo, double hi) {
        Tensor y = x.sub(lo).relu().add(lo);
        return y.rsub(hi).relu().rsub(hi);
    }
}
