package dev.heed.core.nn;

import dev.heed.core.DType;
import dev.heed.core.Tensor;
import dev.heed.core.internal.TensorInternals;
import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Flat-vector views of a parameter list, like {@code torch.nn.utils.parameters_to_vector} and
 * {@code vector_to_parameters} (TRPO's line search and conjugate gradient work on these). All
 * parameters must share one float dtype; the order is the collection's iteration order. These
 * helpers copy values and record no graph. Not thread-safe with respect to the parameters.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Parameters {

    private Parameters() {}

    /**
     * @param params the parameters
     * @return the total number of elements
     */
    public static int count(Collection<Tensor> params) {
        long n = 0;
        for (Tensor p : params) {
            n += p.numel();
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Parameters: " + n + " elements do not fit one flat vector");
        }
        return (int) n;
    }

    /**
     * @param params the parameters (one float dtype)
     * @return a new 1-D tensor with all values concatenated (no graph)
     */
    public static Tensor toVector(Collection<Tensor> params) {
        return gather(params, false);
    }

    /**
     * @param params the parameters (one float dtype)
     * @return their gradients concatenated into a new 1-D tensor; zeros where {@code grad()} is null
     */
    public static Tensor gradVector(Collection<Tensor> params) {
        return gather(params, true);
    }

    private static Tensor gather(Collection<Tensor> params, boolean grads) {
        DType dt = commonDtype(params);
        int n = count(params);
        int at = 0;
        if (dt == DType.FLOAT32) {
            float[] out = new float[n];
            for (Tensor p : params) {
                Tensor src = grads ? p.grad() : p;
                if (src != null) {
                    System.arraycopy(src.toFloatArray(), 0, out, at, p.numel());
                }
                at += p.numel();
            }
            return TensorInternals.wrap(out, n);
        }
        double[] out = new double[n];
        for (Tensor p : params) {
            Tensor src = grads ? p.grad() : p;
            if (src != null) {
                System.arraycopy(src.toDoubleArray(), 0, out, at, p.numel());
            }
            at += p.numel();
        }
        return TensorInternals.wrap(out, n);
    }

    /**
     * Copies consecutive slices of {@code vector} into the parameters, in place (bypassing
     * autograd, like an optimizer step).
     *
     * @param vector a 1-D tensor of the parameters' dtype with {@link #count} elements
     * @param params the parameters (contiguous)
     */
    public static void fromVector(Tensor vector, Collection<Tensor> params) {
        DType dt = commonDtype(params);
        int n = count(params);
        if (vector.dim() != 1 || vector.numel() != n || vector.dtype() != dt) {
            throw new IllegalArgumentException("Parameters.fromVector: expected a 1-D " + dt + " vector of " + n
                    + " elements, got " + vector.dtype() + " " + Arrays.toString(vector.shape()));
        }
        int at = 0;
        if (dt == DType.FLOAT32) {
            float[] v = vector.toFloatArray();
            for (Tensor p : params) {
                System.arraycopy(v, at, TensorInternals.floatData(p), offsetOf(p), p.numel());
                at += p.numel();
            }
        } else {
            double[] v = vector.toDoubleArray();
            for (Tensor p : params) {
                System.arraycopy(v, at, TensorInternals.doubleData(p), offsetOf(p), p.numel());
                at += p.numel();
            }
        }
    }

    private static int offsetOf(Tensor p) {
        if (!p.isContiguous()) {
            throw new IllegalArgumentException("Parameters.fromVector: parameters must be contiguous, got a view of shape "
                    + Arrays.toString(p.shape()));
        }
        return TensorInternals.offset(p);
    }

    private static DType commonDtype(Collection<Tensor> params) {
        Objects.requireNonNull(params, "params");
        DType dt = null;
        for (Tensor p : params) {
            if (!p.dtype().isFloating() || (dt != null && p.dtype() != dt)) {
                throw new IllegalArgumentException("Parameters: all parameters must share one float dtype, found "
                        + (dt == null ? p.dtype() : dt + " and " + p.dtype()));
            }
            dt = p.dtype();
        }
        return dt == null ? DType.FLOAT32 : dt;
    }
}
