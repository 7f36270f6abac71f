package dev.heed.attention.internal;

import dev.heed.core.CustomOp;
import dev.heed.core.DType;
import dev.heed.core.Tensor;
import java.util.Arrays;
import org.apiguardian.api.API;

/** Softmax over the last axis with a fast float32 exp; fully masked rows give zeros. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FastSoftmax {

    private FastSoftmax() {}

    /**
     * Differentiable softmax over the last axis: FLOAT32 uses {@link #rows}, FLOAT64 core's
     * softmax. The backward {@code y ⊙ (g − Σ g ⊙ y)} is written with tensor ops over the output,
     * so it is differentiable again.
     *
     * @param s scores
     * @return the weights
     */
    public static Tensor apply(Tensor s) {
        if (s.dtype() != DType.FLOAT32) {
            return s.softmax(-1);
        }
        Tensor y = rows(s);
        return CustomOp.record("softmax", y, g -> new Tensor[] {y.mul(g.sub(g.mul(y).sum(-1, true)))}, s);
    }

    /**
     * Softmax over the last axis of a FLOAT32 tensor with the polynomial exp of
     * {@link FusedGelu#expNonPositive} (core's softmax calls the library exp per element); rows
     * that are entirely {@code -inf} become zeros. Not recorded for autograd.
     *
     * @param s FLOAT32 scores
     * @return the softmax, same shape
     */
    public static Tensor rows(Tensor s) {
        int n = s.size(s.dim() - 1);
        float[] a = s.contiguous().toFloatArray();
        int rows = n == 0 ? 0 : a.length / n;
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                max = Math.max(max, a[o + j]);
            }
            if (max == Float.NEGATIVE_INFINITY) {
                Arrays.fill(a, o, o + n, 0f);
                continue;
            }
            float sum = 0f;
            for (int j = 0; j < n; j++) {
                float e = FusedGelu.expNonPositive(a[o + j] - max);
                a[o + j] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int j = 0; j < n; j++) {
                a[o + j] *= inv;
            }
        }
        return Tensor.of(a, s.shape());
    }

}
