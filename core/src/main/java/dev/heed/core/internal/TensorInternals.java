package dev.heed.core.internal;

import dev.heed.core.DType;
import dev.heed.core.Tensor;
import java.lang.invoke.MethodHandles;
import java.util.concurrent.atomic.AtomicReference;
import org.apiguardian.api.API;

/**
 * Fast, unchecked access to tensor storage for other core packages (nn, optim, I/O). Never use it
 * from another Maven module.
 *
 * <p>The storage array is shared with the tensor and possibly with other views: element
 * {@code (i0, ..., ik)} lives at {@code offset(t) + sum(ij * strides(t)[j])}. When
 * {@link Tensor#isContiguous()} is true the elements are the {@code numel} entries starting at
 * {@code offset(t)}. Writing through these arrays bypasses autograd; do it only under
 * {@link dev.heed.core.NoGrad} or on tensors that no recorded graph has saved.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class TensorInternals {

    /** Implemented inside {@code dev.heed.core}; installed once when {@link Tensor} initialises. */
    public interface Access {
        /**
         * @param t a tensor
         * @return its storage array
         */
        Object storage(Tensor t);

        /**
         * @param t a tensor
         * @return the storage offset
         */
        int offset(Tensor t);

        /**
         * @param t a tensor
         * @return the strides (a copy)
         */
        int[] strides(Tensor t);

        /**
         * @param dtype element type matching the array
         * @param storage the array, used without copying
         * @param shape dimensions whose product is the array length
         * @return a contiguous tensor over {@code storage}
         */
        Tensor wrap(DType dtype, Object storage, int[] shape);
    }

    private static final AtomicReference<Access> ACCESS = new AtomicReference<>();

    private TensorInternals() {}

    /**
     * Called once by {@link Tensor}'s static initialiser.
     *
     * @param access the implementation
     */
    public static void install(Access access) {
        if (!ACCESS.compareAndSet(null, access)) {
            throw new IllegalStateException("TensorInternals: access already installed");
        }
    }

    private static Access access() {
        Access a = ACCESS.get();
        if (a == null) {
            try {
                MethodHandles.lookup().ensureInitialized(Tensor.class);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("TensorInternals: cannot initialise Tensor", e);
            }
            a = ACCESS.get();
        }
        return a;
    }

    /**
     * @param t a FLOAT32 tensor
     * @return its storage array (shared, not a copy)
     */
    public static float[] floatData(Tensor t) {
        requireDtype(t, DType.FLOAT32);
        return (float[]) access().storage(t);
    }

    /**
     * @param t a FLOAT64 tensor
     * @return its storage array (shared, not a copy)
     */
    public static double[] doubleData(Tensor t) {
        requireDtype(t, DType.FLOAT64);
        return (double[]) access().storage(t);
    }

    /**
     * @param t an INT64 tensor
     * @return its storage array (shared, not a copy)
     */
    public static long[] longData(Tensor t) {
        requireDtype(t, DType.INT64);
        return (long[]) access().storage(t);
    }

    /**
     * @param t a BOOL tensor
     * @return its storage array (shared, not a copy)
     */
    public static boolean[] booleanData(Tensor t) {
        requireDtype(t, DType.BOOL);
        return (boolean[]) access().storage(t);
    }

    /**
     * @param t any tensor
     * @return the index of its first element in the storage array
     */
    public static int offset(Tensor t) {
        return access().offset(t);
    }

    /**
     * @param t any tensor
     * @return its strides in elements (a copy)
     */
    public static int[] strides(Tensor t) {
        return access().strides(t);
    }

    /**
     * Wraps an array as a contiguous tensor without copying; the caller gives up ownership.
     *
     * @param data values, {@code data.length} equal to the product of {@code shape}
     * @param shape dimensions
     * @return a FLOAT32 tensor over {@code data}
     */
    public static Tensor wrap(float[] data, int... shape) {
        return access().wrap(DType.FLOAT32, data, checkShape(data.length, shape));
    }

    /**
     * @param data values, length equal to the product of {@code shape}
     * @param shape dimensions
     * @return a FLOAT64 tensor over {@code data}
     */
    public static Tensor wrap(double[] data, int... shape) {
        return access().wrap(DType.FLOAT64, data, checkShape(data.length, shape));
    }

    /**
     * @param data values, length equal to the product of {@code shape}
     * @param shape dimensions
     * @return an INT64 tensor over {@code data}
     */
    public static Tensor wrap(long[] data, int... shape) {
        return access().wrap(DType.INT64, data, checkShape(data.length, shape));
    }

    private static int[] checkShape(int length, int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("wrap: negative dimension in " + java.util.Arrays.toString(shape));
            }
            n *= s;
        }
        if (n != length) {
            throw new IllegalArgumentException("wrap: shape " + java.util.Arrays.toString(shape) + " holds " + n
                    + " elements but the array has " + length);
        }
        return shape.clone();
    }

    private static void requireDtype(Tensor t, DType want) {
        if (t.dtype() != want) {
            throw new IllegalArgumentException("TensorInternals: expected a " + want + " tensor, got " + t.dtype());
        }
    }
}
