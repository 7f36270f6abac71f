package dev.heed.rl.trpo.internal;

import dev.heed.core.NoGrad;
import dev.heed.core.Tensor;

/**
 * Float32 products for the fused MLP passes, on row-major {@code float[]} buffers that the caller
 * reuses. The products go to {@link Tensor#matmul} (the tuned kernels; plain loops measured 2–4×
 * slower even for a 4-wide input).
 */
final class Dense32 {

    private Dense32() {}

    /**
     * {@code c[rows, out] = a[rows, in] · wᵀ} for {@code w [out, in]}.
     *
     * @param a input rows
     * @param rows number of rows
     * @param in input width
     * @param w weight {@code [out, in]}, float32
     * @param c output, overwritten, length ≥ rows·out
     */
    static void forward(float[] a, int rows, int in, Tensor w, float[] c) {
        float[] z;
        try (NoGrad ignored = NoGrad.enter()) {
            z = wrap(a, rows, in).matmul(w.mT()).toFloatArray();
        }
        System.arraycopy(z, 0, c, 0, z.length);
    }

    /**
     * {@code dh[rows, in] = dz[rows, out] · w} for {@code w [out, in]}: the input gradient.
     *
     * @param dh output, overwritten
     */
    static void inputGrad(float[] dz, int rows, Tensor w, float[] dh) {
        int out = w.size(0);
        int in = w.size(1);
        float[] z;
        try (NoGrad ignored = NoGrad.enter()) {
            z = wrap(dz, rows, out).matmul(w).toFloatArray();
        }
        System.arraycopy(z, 0, dh, 0, z.length);
    }

    /** @return the first {@code rows × cols} values of {@code a} as a tensor (copied) */
    static Tensor wrap(float[] a, int rows, int cols) {
        if (a.length == rows * cols) {
            return Tensor.of(a, rows, cols);
        }
        float[] exact = new float[rows * cols];
        System.arraycopy(a, 0, exact, 0, exact.length);
        return Tensor.of(exact, rows, cols);
    }
}
