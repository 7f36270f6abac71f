package dev.heed.core.internal.kernel;

import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * Chooses the process-wide {@link Kernels} once, at first use.
 *
 * <p>The Vector API backend is loaded reflectively only when {@code jdk.incubator.vector} is in the
 * boot layer, so Heed still runs (on the plain-Java fallback, with one log line saying so) on a JVM
 * started without {@code --add-modules jdk.incubator.vector}. The system property
 * {@code heed.kernels=plain|vector} overrides the choice.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class KernelBackends {

    /** The system property that forces a backend: {@code plain} or {@code vector}. */
    public static final String PROPERTY = "heed.kernels";

    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    static final String VECTOR_CLASS = "dev.heed.core.internal.kernel.vector.VectorKernels";

    private static final System.Logger LOG = System.getLogger("dev.heed.core.kernels");

    private KernelBackends() {}

    /** @return the kernels chosen for this process */
    public static Kernels get() {
        return Holder.INSTANCE;
    }

    /** @return whether {@code jdk.incubator.vector} is in the boot layer of this JVM */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /**
     * Creates a backend by name, for tests and benchmarks that compare backends in one process.
     *
     * @param name {@code "plain"} or {@code "vector"}
     * @param threads the most threads one call may use, at least 1
     * @return a new backend
     * @throws IllegalArgumentException for an unknown name or {@code threads < 1}
     * @throws IllegalStateException if {@code "vector"} is asked for but cannot be loaded
     */
    public static Kernels create(String name, int threads) {
        return create(name, threads, KernelPool.PARALLEL_FLOPS);
    }

    /**
     * Creates a backend by name with a chosen threshold for using more than one thread.
     *
     * @param name {@code "plain"} or {@code "vector"}
     * @param threads the most threads one call may use, at least 1
     * @param parallelFlops products (or batches) below this many flops run on the calling thread
     * @return a new backend
     * @throws IllegalArgumentException for an unknown name, {@code threads < 1} or {@code parallelFlops < 0}
     * @throws IllegalStateException if {@code "vector"} is asked for but cannot be loaded
     */
    public static Kernels create(String name, int threads, long parallelFlops) {
        switch (name) {
            case "plain":
                return new PlainKernels(threads, parallelFlops);
            case "vector":
                if (!vectorModulePresent()) {
                    throw new IllegalStateException("kernels: the vector backend needs the JVM option "
                            + "--add-modules jdk.incubator.vector, which this JVM was started without");
                }
                try {
                    return loadVector(threads, parallelFlops);
                } catch (LinkageError | ReflectiveOperationException e) {
                    throw new IllegalStateException("kernels: the vector backend failed to load: " + e, e);
                }
            default:
                throw new IllegalArgumentException("kernels: unknown backend '" + name
                        + "'; expected 'plain' or 'vector'");
        }
    }

    private static Kernels choose() {
        return choose(System.getProperty(PROPERTY), vectorModulePresent(), KernelPool.defaultThreads());
    }

    /**
     * The start-up choice, separated from the JVM's state so it can be tested.
     *
     * @param property the value of {@code heed.kernels}, or null
     * @param vectorPresent whether {@code jdk.incubator.vector} is in the boot layer
     * @param threads the most threads one call may use
     */
    static Kernels choose(String property, boolean vectorPresent, int threads) {
        String wanted = property == null ? "" : property.trim().toLowerCase(Locale.ROOT);
        if (wanted.equals("plain")) {
            return new PlainKernels(threads);
        }
        if (!wanted.isEmpty() && !wanted.equals("vector")) {
            LOG.log(System.Logger.Level.WARNING, "Heed: -D" + PROPERTY + "=" + property
                    + " is not a known kernel backend (expected 'plain' or 'vector'); choosing automatically");
        }
        if (!vectorPresent) {
            LOG.log(System.Logger.Level.WARNING, "Heed runs slower: the JVM was started without the Vector API, "
                    + "so plain-Java kernels are used; add the JVM option --add-modules jdk.incubator.vector "
                    + "for the fast kernels");
            return new PlainKernels(threads);
        }
        try {
            return loadVector(threads, KernelPool.PARALLEL_FLOPS);
        } catch (LinkageError | ReflectiveOperationException e) {
            LOG.log(System.Logger.Level.WARNING, "Heed runs slower: the Vector API kernels failed to load ("
                    + e + "), so plain-Java kernels are used");
            return new PlainKernels(threads);
        }
    }

    private static Kernels loadVector(int threads, long parallelFlops) throws ReflectiveOperationException {
        // On the module path dev.heed.core does not declare the incubator module (see module-info),
        // so read it now; in the unnamed module (class path) this changes nothing.
        Module self = KernelBackends.class.getModule();
        Optional<Module> vector = ModuleLayer.boot().findModule(VECTOR_MODULE);
        if (vector.isPresent()) {
            self.addReads(vector.get());
        }
        Class<?> cls = Class.forName(VECTOR_CLASS, true, KernelBackends.class.getClassLoader());
        try {
            return (Kernels) cls.getConstructor(int.class, long.class).newInstance(threads, parallelFlops);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LinkageError) {
                throw (LinkageError) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw e;
        }
    }

    private static final class Holder {
        static final Kernels INSTANCE = choose();
    }
}
