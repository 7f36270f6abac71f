package dev.heed.rl.internal;

import dev.heed.core.DType;
import dev.heed.core.Tensor;
import org.apiguardian.api.API;

/** Small conversions between Java arrays and tensors used across rl-policy. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Arrays2 {

    private Arrays2() {}

    /**
     * @param data row-major values
     * @param dtype FLOAT32 or FLOAT64
     * @param shape the shape
     * @return a new tensor holding {@code data} converted to {@code dtype}
     */
    public static Tensor tensor(double[] data, DType dtype, int... shape) {
        if (dtype == DType.FLOAT64) {
            return Tensor.of(data, shape);
        }
        if (dtype != DType.FLOAT32) {
            throw new IllegalArgumentException("tensor: dtype " + dtype + " is not a float type; use FLOAT32 or FLOAT64");
        }
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return Tensor.of(f, shape);
    }

    /**
     * @param rows {@code [n][d]}, all rows of length {@code d}
     * @param dtype FLOAT32 or FLOAT64
     * @return a {@code [n, d]} tensor
     * @throws IllegalArgumentException if rows differ in length
     */
    public static Tensor matrix(double[][] rows, DType dtype) {
        int n = rows.length;
        int d = n == 0 ? 0 : rows[0].length;
        double[] flat = new double[n * d];
        for (int i = 0; i < n; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException("matrix: row " + i + " has length " + rows[i].length
                        + " but row 0 has " + d + "; every row must have the same length");
            }
            System.arraycopy(rows[i], 0, flat, i * d, d);
        }
        return tensor(flat, dtype, n, d);
    }
}
