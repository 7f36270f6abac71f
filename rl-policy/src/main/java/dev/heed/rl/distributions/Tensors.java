package dev.heed.rl.distributions;

import dev.heed.core.DType;
import dev.heed.core.Tensor;

/** Package-private helper: array to tensor in a float dtype. */
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
}
