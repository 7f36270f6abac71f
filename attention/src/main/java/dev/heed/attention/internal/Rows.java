package dev.heed.attention.internal;

import dev.heed.core.DType;
import dev.heed.core.Tensor;
import org.apiguardian.api.API;

/** Differentiable row selection and concatenation composed from matrix products. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Rows {

    private Rows() {}

    /**
     * @param dtype float dtype
     * @param start first row
     * @param count rows
     * @param total rows of the source
     * @return {@code S [count, total]} with {@code S[i, start + i] = 1}, so {@code S @ x} picks rows
     */
    public static Tensor selector(DType dtype, int start, int count, int total) {
        if (dtype == DType.FLOAT64) {
            double[] s = new double[count * total];
            for (int i = 0; i < count; i++) {
                s[i * total + start + i] = 1;
            }
            return Tensor.of(s, count, total);
        }
        float[] s = new float[count * total];
        for (int i = 0; i < count; i++) {
            s[i * total + start + i] = 1;
        }
        return Tensor.of(s, count, total);
    }

    /**
     * Rows {@code [start, start + count)} along axis -2.
     *
     * @param x {@code [..., T, d]}
     * @param start first row
     * @param count rows
     * @return {@code [..., count, d]}
     */
    public static Tensor slice(Tensor x, int start, int count) {
        int t = x.size(x.dim() - 2);
        if (start == 0 && count == t) {
            return x;
        }
        return selector(x.dtype(), start, count, t).matmul(x);
    }

    /**
     * Concatenation along axis -2.
     *
     * @param a {@code [..., Ta, d]}
     * @param b {@code [..., Tb, d]}
     * @return {@code [..., Ta + Tb, d]}
     */
    public static Tensor cat(Tensor a, Tensor b) {
        int ta = a.size(a.dim() - 2);
        int tb = b.size(b.dim() - 2);
        Tensor pa = selector(a.dtype(), 0, ta, ta + tb).mT();
        Tensor pb = selector(b.dtype(), ta, tb, ta + tb).mT();
        return pa.matmul(a).add(pb.matmul(b));
    }
}
