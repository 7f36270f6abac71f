package dev.heed.rl.trpo.internal;

import dev.heed.core.NoGrad;
import dev.heed.core.Tensor;

/**
 * Float32 products for the fused MLP passes, on row-major {@code float[]} buffers that the caller
 * reuses. The products go to {@link Tensor#matmul} (the tuned kernels; plain loops measured 2–4×
 * slower even for a 4-wide input), except the value head's outer product.
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
     * {@code g[out, in] = dzᵀ · h} for {@code dz [rows, out]}, {@code h [rows, in]}: a weight gradient.
     *
     * @return the gradient, row-major
     */
    static float[] weightGrad(float[] dz, int rows, int out, float[] h, int in) {
        try (NoGrad ignored = NoGrad.enter()) {
            return wrap(dz, rows, out).mT().matmul(wrap(h, rows, in)).toFloatArray();
        }
    }

    /**
     * {@code dh[rows, in] = dz[rows, out] · w} for {@code w [out, in]}: the input gradient.
     *
     * @param dh output, overwritten
     */
    static void inputGrad(float[] dz, int rows, Tensor w, float[] wv, float[] dh) {
        int out = w.size(0);
        int in = w.size(1);
        if (out == 1) {
            // An outer product (the value head): cheaper as a scaled copy than through the kernel.
            for (int r = 0; r < rows; r++) {
                float s = dz[r];
                int ho = r * in;
                for (int j = 0; j < in; j++) {
                    dh[ho + j] = s * wv[j];
                }
            }
            return;
        }
        float[] z;
        try (NoGrad ignored = NoGrad.enter()) {
            z = wrap(dz, rows, out).matmul(w).toFloatArray();
        }
        System.arraycopy(z, 0, dh, 0, z.length);
    }

    /** @return column sums of {@code a [rows, cols]} */
    static float[] columnSums(float[] a, int rows, int cols) {
        float[] s = new float[cols];
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) {
                s[j] += a[o + j];
            }
        }
        return s;
    }

    private static Tensor wrap(float[] a, int rows, int cols) {
        if (a.length == rows * cols) {
            return Tensor.of(a, rows, cols);
        }
        float[] exact = new float[rows * cols];
        System.arraycopy(a, 0, exact, 0, exact.length);
        return Tensor.of(exact, rows, cols);
    }
}
