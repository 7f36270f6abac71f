package dev.heed.attention.internal;

import dev.heed.core.Tensor;
import java.util.Arrays;
import java.util.Objects;
import org.apiguardian.api.API;

/** Argument checks shared by the similarities and attention. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Shapes {

    private Shapes() {}

    /**
     * Checks {@code q [..., Tq, d]} and {@code k [..., Tk, d]}.
     *
     * @param op operation name for messages
     * @param q queries
     * @param k keys
     * @return d
     */
    public static int checkQk(String op, Tensor q, Tensor k) {
        Objects.requireNonNull(q, op + ": q");
        Objects.requireNonNull(k, op + ": k");
        if (q.dim() < 2 || k.dim() < 2) {
            throw new IllegalArgumentException(op + ": q " + Arrays.toString(q.shape()) + " and k "
                    + Arrays.toString(k.shape()) + " must both be at least 2-D ([..., T, d])");
        }
        if (!q.dtype().isFloating() || q.dtype() != k.dtype()) {
            throw new IllegalArgumentException(op + ": q and k must share a float dtype, got " + q.dtype() + " and "
                    + k.dtype() + "; convert with .to(DType.FLOAT32)");
        }
        int d = q.size(-1 + q.dim());
        int dk = k.size(k.dim() - 1);
        if (d != dk) {
            throw new IllegalArgumentException(op + ": q " + Arrays.toString(q.shape()) + " and k "
                    + Arrays.toString(k.shape()) + " differ in the last (feature) dimension (" + d + " vs " + dk
                    + "); project them to the same size");
        }
        return d;
    }
}
