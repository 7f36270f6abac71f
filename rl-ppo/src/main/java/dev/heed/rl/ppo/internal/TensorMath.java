package dev.heed.rl.ppo.internal;

import dev.heed.core.Tensor;
import org.apiguardian.api.API;

/** Differentiable helpers composed from core ops (the tensor API has no clamp or minimum). */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class TensorMath {

    private TensorMath() {}

    /**
     * {@code clamp(x, lo, hi) = lo + relu(x − lo) − relu(x − hi)}: the gradient is 1 strictly inside
     * {@code (lo, hi)} and 0 outside, like {@code torch.clamp}.
     *
     * @param x input
     * @param lo lower bound
     * @param hi upper bound, ≥ lo
     * @return the clamped tensor
     */
    public static Tensor clamp(Tensor x, double lo, double hi) {
        return x.sub(lo).relu().sub(x.sub(hi).relu()).add(lo);
    }

    /**
     * {@code min(a, b) = a − relu(a − b)} elementwise, with broadcasting.
     *
     * @param a first
     * @param b second
     * @return the elementwise minimum
     */
    public static Tensor minimum(Tensor a, Tensor b) {
        return a.sub(a.sub(b).relu());
    }
}
