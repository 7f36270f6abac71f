package dev.heed.core;

import dev.heed.core.internal.autograd.GradMode;
import org.apiguardian.api.API;

/**
 * A scope in which tensor ops record no autograd graph on the current thread, like PyTorch's
 * {@code torch.no_grad()}. Use it for inference, evaluation and optimizer updates:
 *
 * <pre>{@code
 * try (NoGrad ignored = NoGrad.enter()) {
 *     Tensor logits = model.forward(x);     // no graph, no saved intermediates
 * }
 * }</pre>
 *
 * <p>Scopes nest; {@link #close()} restores the mode that was active at {@link #enter()}. The mode
 * is per thread: other threads are unaffected. Close a scope on the thread that opened it.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class NoGrad implements AutoCloseable {

    private final boolean previous;
    private boolean closed;

    private NoGrad(boolean previous) {
        this.previous = previous;
    }

    /** @return a scope that turns graph recording off until closed */
    public static NoGrad enter() {
        return new NoGrad(GradMode.set(false));
    }

    /**
     * @return a scope that turns graph recording back on inside an enclosing no-grad scope (like
     *     {@code torch.enable_grad()})
     */
    public static NoGrad enableGrad() {
        return new NoGrad(GradMode.set(true));
    }

    /** Restores the previous mode; closing twice is harmless. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            GradMode.set(previous);
        }
    }
}
