package dev.heed.core;

import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * Anomaly detection for autograd, like PyTorch's {@code torch.autograd.detect_anomaly}: inside the
 * scope, every op recorded in the autograd graph has its output checked for NaN and infinity as it
 * runs, every backward function has the gradients it returns checked, and each op remembers the
 * code that created it. The first non-finite value stops the computation with a
 * {@link NonFiniteException} that names the op, the shapes, which input or gradient, the
 * offending value and its index, and where the op was created.
 *
 * <pre>{@code
 * try (Anomaly ignored = Anomaly.detect()) {
 *     Tensor loss = model.forward(x).log().mean();   // throws here if log sees 0 or a negative value
 *     loss.backward();                               // or here, naming the op whose backward made NaN
 * }
 * }</pre>
 *
 * <p><b>What is checked.</b> Forward: the output of every op that records a graph node (an input
 * requires grad and grad mode is on), including {@link CustomOp}s; ops on tensors that need no
 * gradient are not checked, but a non-finite value they produce is reported by the first checked
 * op that consumes it, which says that its input was already non-finite. Backward: the seed
 * gradients, the gradients each backward function returns, and their accumulation into leaves.
 * Forward checks apply to ops run inside the scope; backward checks to {@code backward()} and
 * {@link Autograd#grad} called inside the scope (use {@link #detectBackward()} to check only those,
 * e.g. when the forward pass legitimately produces infinities that a mask removes).
 *
 * <p><b>Cost.</b> Each checked op scans its output once and captures a stack trace; expect training
 * to run several times slower. Use it to debug, not in production runs; outside the scope nothing is
 * checked and nothing is captured.
 *
 * <p><b>Threads.</b> The mode is per thread, like {@link NoGrad}: other threads are unaffected. Scopes
 * nest; {@link #close()} restores the mode active at entry. Close a scope on the thread that opened it.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Anomaly implements AutoCloseable {

    /** Per thread: [0] check forward, [1] check backward, [2] forward checks suspended (inside backward). */
    private static final ThreadLocal<boolean[]> MODE = ThreadLocal.withInitial(() -> new boolean[3]);

    private static final int FRAMES = 4;

    /** Classes whose frames say nothing about where the user created an op. */
    private static final java.util.List<String> ENGINE_CLASSES = java.util.List.of("dev.heed.core.Tensor",
            "dev.heed.core.CustomOp", "dev.heed.core.Anomaly", "dev.heed.core.Loops", "dev.heed.core.Engine",
            "dev.heed.core.Node");

    private final boolean previousForward;
    private final boolean previousBackward;
    private boolean closed;

    private Anomaly(boolean forward, boolean backward) {
        boolean[] m = MODE.get();
        previousForward = m[0];
        previousBackward = m[1];
        m[0] = forward;
        m[1] = backward;
    }

    /** @return a scope checking op outputs in forward and gradients in backward on this thread */
    public static Anomaly detect() {
        return new Anomaly(true, true);
    }

    /**
     * @return a scope checking only gradients in backward (and recording where ops were created,
     *     for the report) on this thread
     */
    public static Anomaly detectBackward() {
        return new Anomaly(false, true);
    }

    /** @return whether any anomaly checking is active on the current thread */
    public static boolean isEnabled() {
        boolean[] m = MODE.get();
        return m[0] || m[1];
    }

    /** Restores the previous mode; closing twice is harmless. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            boolean[] m = MODE.get();
            m[0] = previousForward;
            m[1] = previousBackward;
        }
    }

    // ------------------------------------------------------------------ hooks for Tensor and Engine

    /** Called for every recorded node: captures the creation site and checks the output. */
    static void onRecord(Node node, Tensor out) {
        boolean[] m = MODE.get();
        if (!m[0] && !m[1]) {
            return;
        }
        node.origin = origin();
        if (!m[0] || m[2]) {
            return;
        }
        long bad = firstNonFinite(out);
        if (bad < 0) {
            return;
        }
        StringBuilder sb = new StringBuilder("anomaly detected in forward: '").append(node.op).append("' produced ")
                .append(valueAt(out, bad)).append(" at ").append(index(out.shape, bad)).append(" of its output ")
                .append(describe(out)).append(".");
        boolean anyBadInput = false;
        Tensor[] ins = node.inputs;
        for (int i = 0; i < ins.length; i++) {
            Tensor in = ins[i];
            if (in == null) {
                continue;
            }
            long b = firstNonFinite(in);
            sb.append(" Input ").append(i).append(' ').append(describe(in));
            if (b >= 0) {
                anyBadInput = true;
                sb.append(" already held ").append(valueAt(in, b)).append(" at ").append(index(in.shape, b))
                        .append(in.gradFn == null ? " (a leaf: data, a parameter or a tensor computed without grad)"
                                : " (from '" + in.gradFn.op + "', created outside the anomaly scope)");
                sb.append('.');
            } else {
                sb.append(" is finite.");
            }
        }
        sb.append(where(node));
        sb.append(anyBadInput
                ? " Fix: find where that input became non-finite (check the data and parameters, e.g. with"
                        + " TrainingGuard), or open the anomaly scope earlier."
                : " Fix: keep the arguments in the op's domain (no log or sqrt of negative values or zero where"
                        + " that matters, no division by zero, no overflowing exp): add an epsilon, clamp, or use a"
                        + " stable fused op such as logSoftmax.");
        throw new NonFiniteException(NonFiniteException.Phase.FORWARD, node.op, sb.toString());
    }

    /** @return whether backward gradients are checked on this thread */
    static boolean checksBackward() {
        return MODE.get()[1];
    }

    /**
     * Suspends forward checks while backward functions run (their ops would otherwise be blamed
     * instead of the node whose backward is running).
     *
     * @return the previous suspension flag, for {@link #restoreForward(boolean)}
     */
    static boolean suspendForward() {
        boolean[] m = MODE.get();
        boolean old = m[2];
        m[2] = true;
        return old;
    }

    static void restoreForward(boolean previous) {
        MODE.get()[2] = previous;
    }

    /** Checks a gradient given by the caller of backward (or the implicit ones). */
    static void checkSeed(String caller, int output, Tensor grad) {
        long bad = firstNonFinite(grad);
        if (bad >= 0) {
            throw new NonFiniteException(NonFiniteException.Phase.BACKWARD, caller, "anomaly detected in backward: the"
                    + " gradient given for output " + output + " " + describe(grad) + " holds " + valueAt(grad, bad)
                    + " at " + index(grad.shape, bad) + ". Fix: pass a finite gradient to " + caller + "(...).");
        }
    }

    /** Checks the gradients one node's backward function returned. */
    static void checkBackward(Node node, Tensor gradOut, Tensor[] grads) {
        for (int j = 0; j < grads.length; j++) {
            Tensor g = grads[j];
            if (g == null) {
                continue;
            }
            long bad = firstNonFinite(g);
            if (bad < 0) {
                continue;
            }
            long badIn = firstNonFinite(gradOut);
            StringBuilder sb = new StringBuilder("anomaly detected in backward: the backward of '").append(node.op)
                    .append("' returned ").append(valueAt(g, bad)).append(" at ").append(index(g.shape, bad))
                    .append(" in the gradient for input ").append(j).append(' ').append(describe(g)).append(';');
            if (badIn >= 0) {
                sb.append(" the gradient it received ").append(describe(gradOut)).append(" already held ")
                        .append(valueAt(gradOut, badIn)).append(" at ").append(index(gradOut.shape, badIn)).append('.');
            } else {
                sb.append(" the gradient it received ").append(describe(gradOut)).append(" was finite.");
            }
            Tensor[] ins = node.inputs;
            if (ins != null && j < ins.length && ins[j] != null) {
                long badX = firstNonFinite(ins[j]);
                sb.append(" Input ").append(j).append(" of '").append(node.op).append("' is ").append(describe(ins[j]))
                        .append(badX >= 0 ? " and holds " + valueAt(ins[j], badX) + " at " + index(ins[j].shape, badX)
                                : "").append('.');
            }
            sb.append(where(node));
            sb.append(" Fix: the op's derivative is infinite or undefined at these inputs (log or division at 0,"
                    + " sqrt at 0, pow with a negative exponent at 0): keep inputs away from those points, e.g. add"
                    + " an epsilon or clamp them.");
            throw new NonFiniteException(NonFiniteException.Phase.BACKWARD, node.op, sb.toString());
        }
    }

    /** Checks a leaf's accumulated gradient. */
    static void checkAccumulated(Tensor leaf, Tensor grad) {
        long bad = firstNonFinite(grad);
        if (bad >= 0) {
            throw new NonFiniteException(NonFiniteException.Phase.BACKWARD, "accumulate", "anomaly detected in"
                    + " backward: the gradient accumulated into a leaf " + describe(leaf) + " holds "
                    + valueAt(grad, bad) + " at " + index(grad.shape, bad) + " although every gradient flowing into"
                    + " it was finite: the sum overflowed, or .grad already held a non-finite value from an earlier"
                    + " backward. Fix: zero the gradients between steps, or scale the loss down.");
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * @param t any tensor
     * @return the row-major index of its first NaN or infinity, or -1 when all are finite (or the
     *     dtype is not floating)
     */
    static long firstNonFinite(Tensor t) {
        if (t == null || !t.dtype.isFloating() || t.numel == 0) {
            return -1;
        }
        Tensor c = t.dense();
        int o = c.offset;
        int n = c.numel;
        if (c.dtype == DType.FLOAT32) {
            float[] a = c.f;
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(a[o + i])) {
                    return i;
                }
            }
        } else {
            double[] a = c.d;
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(a[o + i])) {
                    return i;
                }
            }
        }
        return -1;
    }

    static String valueAt(Tensor t, long flat) {
        Tensor c = t.dense();
        double v = c.dtype == DType.FLOAT32 ? c.f[c.offset + (int) flat] : c.d[c.offset + (int) flat];
        return Double.toString(v);
    }

    /** Row-major flat index to {@code [i, j, ...]}. */
    static String index(int[] shape, long flat) {
        int[] idx = new int[shape.length];
        long rest = flat;
        for (int k = shape.length - 1; k >= 0; k--) {
            int s = Math.max(shape[k], 1);
            idx[k] = (int) (rest % s);
            rest /= s;
        }
        return Arrays.toString(idx);
    }

    static String describe(Tensor t) {
        return Arrays.toString(t.shape) + " " + t.dtype;
    }

    private static String where(Node node) {
        if (node.origin == null || node.origin.length == 0) {
            return " (Its creation site was not recorded: it was created outside an anomaly scope.)";
        }
        StringBuilder sb = new StringBuilder(" The op was created at ");
        for (int i = 0; i < node.origin.length; i++) {
            if (i > 0) {
                sb.append(" <- ");
            }
            sb.append(node.origin[i]);
        }
        return sb.append('.').toString();
    }

    private static boolean isEngineFrame(String cls) {
        for (String engine : ENGINE_CLASSES) {
            if (cls.equals(engine) || cls.startsWith(engine + "$")) {
                return true;
            }
        }
        return false;
    }

    /** The first frames outside the tensor engine itself. */
    private static StackTraceElement[] origin() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !isEngineFrame(f.getClassName()))
                .limit(FRAMES)
                .map(StackWalker.StackFrame::toStackTraceElement)
                .toArray(StackTraceElement[]::new));
    }
}
