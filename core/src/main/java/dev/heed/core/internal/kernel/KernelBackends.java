package dev.heed.core.internal.kernel;

import org.apiguardian.api.API;

/**
 * Chooses the process-wide {@link Kernels} once, at first use.
 *
 * <p>The Vector API backend is loaded reflectively only when {@code jdk.incubator.vector} is in the
 * boot layer, so Heed still runs (on the plain-Java fallback) on a JVM started without
 * {@code --add-modules jdk.incubator.vector}.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class KernelBackends {

    private KernelBackends() {}

    /** @return the kernels chosen for this process */
    public static Kernels get() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final Kernels INSTANCE = choose();
    }

    private static Kernels choose() {
        return new PlainKernels();
    }
}
