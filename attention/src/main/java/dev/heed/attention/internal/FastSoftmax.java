package dev.heed.attention.internal;

import dev.heed.core.Tensor;
import org.apiguardian.api.API;

/** Softmax over the last axis on core's vectorised kernels; fully masked rows give zeros. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FastSoftmax {

    private FastSoftmax() {}

    /**
     * Differentiable softmax over the last axis ({@link Tensor#scaledMaskedSoftmax} with scale 1
     * and no mask: vectorised for FLOAT32, differentiable to any order).
     *
     * @param s scores
     * @return the weights
     */
    public static Tensor apply(Tensor s) {
        return Tensor.scaledMaskedSoftmax(s, 1.0, false, 0);
    }

    /**
     * Softmax over the last axis; rows that are entirely {@code -inf} become zeros. Not recorded
     * for autograd.
     *
     * @param s scores
     * @return the softmax, same shape
     */
    public static Tensor rows(Tensor s) {
        return Tensor.scaledMaskedSoftmax(s.detach(), 1.0, false, 0);
    }
}
