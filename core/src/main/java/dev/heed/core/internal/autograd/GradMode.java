package dev.heed.core.internal.autograd;

import org.apiguardian.api.API;

/**
 * Per-thread switch that says whether tensor ops record the autograd graph. Each thread starts
 * with grad mode on. Public scopes are {@code dev.heed.core.NoGrad} and the autograd engine.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class GradMode {

    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    /** @return whether the current thread records graphs */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /**
     * @param enabled the new mode for the current thread
     * @return the previous mode, to restore later
     */
    public static boolean set(boolean enabled) {
        boolean[] cell = ENABLED.get();
        boolean old = cell[0];
        cell[0] = enabled;
        return old;
    }
}
