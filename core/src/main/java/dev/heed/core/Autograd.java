package dev.heed.core;

import dev.heed.core.internal.autograd.GradMode;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Functional entry points of reverse-mode autograd, like {@code torch.autograd}.
 *
 * <p>A Hessian-vector product is two calls:
 *
 * <pre>{@code
 * Tensor loss = f(w);
 * Tensor g = Autograd.grad(new Tensor[] {loss}, new Tensor[] {w}, null, true, true)[0];
 * Tensor hv = Autograd.grad(new Tensor[] {g.mul(v).sum()}, new Tensor[] {w}, null, false, false)[0];
 * }</pre>
 *
 * <p>Thread-safety: a graph must be differentiated by one thread at a time.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Autograd {

    private Autograd() {}

    /**
     * Computes the gradients of {@code outputs} with respect to {@code inputs}, weighting output
     * {@code i} by {@code gradOutputs[i]} (a vector-Jacobian product), without touching any
     * tensor's {@link Tensor#grad()}.
     *
     * @param outputs tensors that require grad
     * @param inputs tensors that require grad (leaves or intermediates) whose gradients are wanted
     * @param gradOutputs one gradient per output with the output's shape, or null (or null
     *     entries) for ones, allowed only for one-element outputs
     * @param createGraph record the backward computation so the returned gradients can be
     *     differentiated again
     * @param retainGraph keep the graph so another backward pass can run through it
     * @return one gradient per input, same shape and dtype; zeros for an input the outputs do not
     *     depend on
     * @throws IllegalArgumentException if an input does not require grad or a gradient has the
     *     wrong shape
     * @throws IllegalStateException if an output does not require grad or the graph was freed
     */
    public static Tensor[] grad(Tensor[] outputs, Tensor[] inputs, Tensor[] gradOutputs,
                                boolean createGraph, boolean retainGraph) {
        Objects.requireNonNull(outputs, "outputs");
        Objects.requireNonNull(inputs, "inputs");
        return Engine.run("grad", outputs, gradOutputs, inputs, createGraph, retainGraph);
    }

    /**
     * {@link #grad(Tensor[], Tensor[], Tensor[], boolean, boolean)} with {@code retainGraph =
     * createGraph}, PyTorch's default.
     *
     * @param outputs tensors that require grad
     * @param inputs tensors whose gradients are wanted
     * @param gradOutputs gradients of the outputs, or null for one-element outputs
     * @param createGraph make the result differentiable
     * @return one gradient per input
     */
    public static Tensor[] grad(Tensor[] outputs, Tensor[] inputs, Tensor[] gradOutputs, boolean createGraph) {
        return grad(outputs, inputs, gradOutputs, createGraph, createGraph);
    }

    /**
     * Gradient of a one-element output with respect to {@code inputs}; frees the graph.
     *
     * @param output a one-element tensor that requires grad
     * @param inputs tensors whose gradients are wanted
     * @return one gradient per input
     */
    public static Tensor[] grad(Tensor output, Tensor... inputs) {
        return grad(new Tensor[] {output}, inputs, null, false, false);
    }

    /**
     * Back-propagates from several outputs at once, accumulating into leaf gradients.
     *
     * @param outputs tensors that require grad
     * @param gradOutputs their gradients, or null for one-element outputs
     * @param retainGraph keep the graph for another backward pass
     * @param createGraph make the accumulated gradients differentiable
     */
    public static void backward(Tensor[] outputs, Tensor[] gradOutputs, boolean retainGraph, boolean createGraph) {
        Engine.backward(outputs, gradOutputs, retainGraph, createGraph);
    }

    /** @return whether ops on the current thread record the graph (false inside {@link NoGrad}) */
    public static boolean isGradEnabled() {
        return GradMode.isEnabled();
    }
}
