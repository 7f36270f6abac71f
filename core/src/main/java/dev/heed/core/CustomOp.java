package dev.heed.core;

import dev.heed.core.internal.autograd.GradMode;
import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * Joins a hand-written op to the autograd graph: compute the output however you like (for
 * example a fused kernel over contiguous arrays), then record it with its backward function.
 *
 * <p>Contract: {@code output} must be a fresh tensor that is not yet part of a graph. The op is
 * recorded only when grad mode is on and at least one input requires grad; otherwise the output is
 * returned unchanged. {@code backward} receives the gradient of the output and returns one gradient
 * per input, in order, each of the input's shape and dtype, or {@code null} where an input needs
 * none. Gradients through a custom op are differentiable again ({@code createGraph}) only as far as
 * the backward itself is written with tensor ops; a backward over raw arrays gives first-order
 * gradients only. Saved tensors modified in place before backward are detected as for built-in ops.
 *
 * <pre>{@code
 * Tensor y = fusedKernel(x);                                      // no graph recorded yet
 * return CustomOp.record("fused", y, g -> new Tensor[] {fusedKernelBackward(x, g)}, x);
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class CustomOp {

    private CustomOp() {}

    /** Maps the output gradient to one gradient per input. */
    @FunctionalInterface
    public interface Backward {
        /**
         * @param gradOutput gradient of the loss with respect to the op's output
         * @return one gradient per input (null where an input needs none)
         */
        Tensor[] apply(Tensor gradOutput);
    }

    /**
     * Records {@code output} as computed from {@code inputs} by the named op.
     *
     * @param name op name shown in errors and anomaly reports
     * @param output the freshly computed result
     * @param backward gradient function, see the class contract
     * @param inputs the tensors the output depends on
     * @return {@code output}, now part of the graph when gradients are being recorded
     * @throws IllegalArgumentException if the output already belongs to a graph or an argument is null
     */
    public static Tensor record(String name, Tensor output, Backward backward, Tensor... inputs) {
        if (name == null || output == null || backward == null || inputs == null) {
            throw new IllegalArgumentException("CustomOp.record: name, output, backward and inputs must not be null");
        }
        if (output.gradFn != null || output.requiresGrad) {
            throw new IllegalArgumentException("CustomOp.record('" + name + "'): the output already requires grad or "
                    + "belongs to a graph; compute it under NoGrad (or from detached inputs) and record it once");
        }
        boolean any = false;
        for (Tensor t : inputs) {
            if (t == null) {
                throw new IllegalArgumentException("CustomOp.record('" + name + "'): input is null");
            }
            any |= t.requiresGrad;
        }
        if (!any || !GradMode.isEnabled()) {
            return output;
        }
        Tensor[] saved = inputs.clone();
        return Tensor.record(output, name, g -> checked(name, saved, backward.apply(g)), saved);
    }

    /**
     * The FLOAT32 values of {@code t} in row-major order, without a copy when the tensor's storage
     * is exactly that: FLOAT32, contiguous, from index 0, with no other elements. Otherwise a fresh
     * copy, as {@link Tensor#toFloatArray()}. For kernels that read an input (or an output
     * gradient) whole: treat the array as read-only, since writing into it would change the tensor
     * behind autograd's back. Costs nothing for the fresh results of most ops; a view (a transpose,
     * a slice) is copied.
     *
     * @param t any tensor, not null
     * @return its values; the tensor's own storage or a copy
     */
    public static float[] floatValues(Tensor t) {
        if (t.dtype() == DType.FLOAT32 && t.contiguous && t.offset == 0 && t.f.length == t.numel) {
            return t.f;
        }
        return t.toFloatArray();
    }

    /**
     * A FLOAT32 tensor over {@code data} itself, without the copy {@link Tensor#of(float[], int...)}
     * makes: for a kernel's freshly written output, which the caller must not write again
     * afterwards (the tensor owns the array from now on).
     *
     * @param data row-major values, exactly as many as the shape holds
     * @param shape dimensions; none means 1-D
     * @return a new tensor backed by {@code data}
     * @throws IllegalArgumentException if the shape does not hold {@code data.length} elements or
     *     has a negative dimension
     */
    public static Tensor adopt(float[] data, int... shape) {
        return Tensor.adopt(data, shape);
    }

    private static Tensor[] checked(String name, Tensor[] inputs, Tensor[] grads) {
        if (grads == null || grads.length != inputs.length) {
            throw new IllegalStateException("custom op '" + name + "': backward returned "
                    + (grads == null ? "null" : grads.length + " gradients") + " for " + inputs.length
                    + " inputs; return one gradient (or null) per input, in order");
        }
        for (int i = 0; i < grads.length; i++) {
            Tensor g = grads[i];
            if (g != null && (!Arrays.equals(g.shape(), inputs[i].shape()) || g.dtype() != inputs[i].dtype())) {
                throw new IllegalStateException("custom op '" + name + "': gradient " + i + " has shape "
                        + Arrays.toString(g.shape()) + " " + g.dtype() + " but input " + i + " is "
                        + Arrays.toString(inputs[i].shape()) + " " + inputs[i].dtype());
            }
        }
        return grads;
    }
}
