package dev.heed.core.internal;

import dev.heed.core.DType;
import dev.heed.core.Tensor;
import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * Finds NaN and infinite values in tensors without copying contiguous storage. Used by the
 * training guard and checkpoint writing. Stateless and thread-safe (as long as the tensor is not
 * being mutated).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FiniteScan {

    private FiniteScan() {}

    /** What a scan found. */
    @API(status = API.Status.INTERNAL, since = "0.1")
    public record Result(long count, long firstIndex, double firstValue) {
        /** @return whether every value was finite */
        public boolean allFinite() {
            return count == 0;
        }
    }

    /**
     * @param t any tensor; integer and boolean tensors are always finite
     * @return how many values are NaN or infinite, and the first one (row-major)
     */
    public static Result scan(Tensor t) {
        if (!t.dtype().isFloating() || t.numel() == 0) {
            return new Result(0, -1, 0);
        }
        long count = 0;
        long first = -1;
        double firstValue = 0;
        int n = t.numel();
        if (!t.isContiguous()) {
            double[] v = t.toDoubleArray();
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(v[i])) {
                    if (count++ == 0) {
                        first = i;
                        firstValue = v[i];
                    }
                }
            }
        } else if (t.dtype() == DType.FLOAT32) {
            float[] f = TensorInternals.floatData(t);
            int off = TensorInternals.offset(t);
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(f[off + i])) {
                    if (count++ == 0) {
                        first = i;
                        firstValue = f[off + i];
                    }
                }
            }
        } else {
            double[] d = TensorInternals.doubleData(t);
            int off = TensorInternals.offset(t);
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(d[off + i])) {
                    if (count++ == 0) {
                        first = i;
                        firstValue = d[off + i];
                    }
                }
            }
        }
        return new Result(count, first, firstValue);
    }

    /**
     * @param shape a shape
     * @param flat a row-major index into it
     * @return the index as {@code [i, j, ...]}
     */
    public static String index(int[] shape, long flat) {
        int[] idx = new int[shape.length];
        long rest = flat;
        for (int k = shape.length - 1; k >= 0; k--) {
            int s = Math.max(shape[k], 1);
            idx[k] = (int) (rest % s);
            rest /= s;
        }
        return Arrays.toString(idx);
    }

    /**
     * @param t a tensor
     * @param r its scan result, not all finite
     * @return e.g. {@code 3 non-finite values of 12 (first: NaN at [0, 2])}
     */
    public static String describe(Tensor t, Result r) {
        return r.count() + " non-finite value" + (r.count() == 1 ? "" : "s") + " of " + t.numel()
                + " (first: " + r.firstValue() + " at " + index(t.shape(), r.firstIndex()) + ")";
    }
}
