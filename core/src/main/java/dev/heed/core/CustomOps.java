package dev.heed.core;

import dev.heed.core.internal.autograd.GradMode;
import java.util.Objects;
import java.util.function.Function;
import org.apiguardian.api.API;

/**
 * Joins a result computed outside the tensor ops (a fused kernel on raw arrays) to the autograd
 * graph with a hand-written backward, like {@code torch.autograd.Function}.
 *
 * <p>Usage: compute {@code out} as a fresh tensor (it must not require grad yet), then
 * {@code out = CustomOps.function("my_op", out, g -> new Tensor[] {gradA, gradB}, a, b)}. The
 * backward receives the gradient of the loss with respect to {@code out} (same shape and dtype)
 * and returns one gradient per input, in order, each of that input's shape and dtype, or null
 * where an input needs none. It runs with grad mode on only under {@code createGraph = true};
 * a backward written on raw arrays cannot be differentiated again and should then throw
 * {@link IllegalStateException} (test {@link #gradModeEnabled()}).
 *
 * <p>Nothing is recorded when no input requires grad or grad mode is off. Thread-safe (no state).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class CustomOps {

    private CustomOps() {}

    /**
     * Records {@code out} as the result of op {@code name} over {@code inputs}.
     *
     * @param name the op name reported in errors and by {@link Tensor#gradFnName()}
     * @param out a fresh tensor holding the op's result (not a leaf that requires grad)
     * @param backward maps the output gradient to one gradient per input (nulls allowed)
     * @param inputs the tensors the result depends on (null entries allowed)
     * @return {@code out}, now part of the graph when any input requires grad
     * @throws IllegalArgumentException if {@code out} already requires grad
     */
    public static Tensor function(String name, Tensor out, Function<Tensor, Tensor[]> backward, Tensor... inputs) {
        Objects.requireNonNull(name, "CustomOps.function: name");
        Objects.requireNonNull(out, "CustomOps.function: out");
        Objects.requireNonNull(backward, "CustomOps.function: backward");
        if (out.requiresGrad()) {
            throw new IllegalArgumentException("CustomOps.function(" + name + "): out already requires grad (op '"
                    + out.gradFnName() + "'); pass a fresh result tensor, e.g. computed under NoGrad or wrapped from an array");
        }
        if (!GradMode.isEnabled()) {
            return out;
        }
        boolean any = false;
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                any = true;
                break;
            }
        }
        if (!any) {
            return out;
        }
        Tensor[] ins = inputs.clone();
        return Tensor.record(out, name, g -> {
            Tensor[] gs = backward.apply(g);
            if (gs == null || gs.length != ins.length) {
                throw new IllegalStateException("CustomOps.function(" + name + "): backward returned "
                        + (gs == null ? "null" : gs.length + " gradients") + " for " + ins.length + " inputs");
            }
            return gs;
        }, ins);
    }

    /** @return whether the current thread records graphs (true inside a {@code createGraph} backward) */
    public static boolean gradModeEnabled() {
        return GradMode.isEnabled();
    }
}
