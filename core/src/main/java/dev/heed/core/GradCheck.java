package dev.heed.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Checks autograd against central finite differences in float64, first order
 * ({@link #gradcheck}) and second order ({@link #gradgradcheck}), like
 * {@code torch.autograd.gradcheck}.
 *
 * <p>Every input that {@link Tensor#requiresGrad() requires grad} is checked and must be FLOAT64
 * with distinct storage elements (not an expanded view); other inputs (e.g. INT64 indices) are
 * passed through unchanged. The function must be deterministic and return a FLOAT64 tensor. The
 * inputs' storage is perturbed during the check and restored afterwards. Small tensors only: the
 * cost is two forward passes per input element plus one backward pass per output element.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(Rng.seeded(1), DType.FLOAT64, 3, 4).requiresGrad(true);
 * GradCheck.gradcheck(in -> in[0].tanh().sum(0), x);
 * }</pre>
 *
 * <p>A mismatch throws {@link AssertionError} naming the input, the element, the analytic and
 * numerical values; so does a malformed call (non-FLOAT64 input, nothing to check).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class GradCheck {

    /** Default finite-difference step. */
    public static final double DEFAULT_EPS = 1e-6;
    /** Default absolute tolerance. */
    public static final double DEFAULT_ATOL = 1e-5;
    /** Default relative tolerance. */
    public static final double DEFAULT_RTOL = 1e-3;

    /** The function under test. */
    @FunctionalInterface
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public interface Fn {
        /**
         * @param inputs the inputs, in the order given to the check
         * @return a FLOAT64 tensor
         */
        Tensor apply(Tensor... inputs);
    }

    private GradCheck() {}

    /**
     * First-order check with the default tolerances.
     *
     * @param f the function
     * @param inputs its inputs
     * @return true (a failure throws)
     * @throws AssertionError when an analytic gradient differs from the numerical one
     */
    public static boolean gradcheck(Fn f, Tensor... inputs) {
        return gradcheck(f, DEFAULT_EPS, DEFAULT_ATOL, DEFAULT_RTOL, inputs);
    }

    /**
     * First-order check: compares the full Jacobian from autograd with central differences;
     * passes when {@code |analytic - numeric| <= atol + rtol * |numeric|} everywhere.
     *
     * @param f the function
     * @param eps finite-difference step
     * @param atol absolute tolerance
     * @param rtol relative tolerance
     * @param inputs its inputs
     * @return true (a failure throws)
     * @throws AssertionError on a mismatch or a malformed call
     */
    public static boolean gradcheck(Fn f, double eps, double atol, double rtol, Tensor... inputs) {
        List<Integer> checked = checkedInputs("gradcheck", inputs);
        Tensor out = f.apply(inputs);
        requireOutput("gradcheck", out);
        int numOut = out.numel;
        Tensor[] targets = new Tensor[checked.size()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = inputs[checked.get(i)];
        }
        // analytic Jacobian, one row per output element
        double[][][] analytic = new double[targets.length][numOut][];
        for (int o = 0; o < numOut; o++) {
            Tensor[] grads;
            if (out.requiresGrad) {
                Tensor onehot = Tensor.zeros(DType.FLOAT64, out.shape.clone());
                onehot.d[o] = 1.0;
                grads = Autograd.grad(new Tensor[] {out}, targets, new Tensor[] {onehot}, false, true);
            } else {
                grads = new Tensor[targets.length];
            }
            for (int i = 0; i < targets.length; i++) {
                Tensor g = grads[i];
                if (g != null && (!Arrays.equals(g.shape, targets[i].shape) || g.dtype != DType.FLOAT64)) {
                    throw new AssertionError("gradcheck: gradient for input " + checked.get(i) + " has shape "
                            + Arrays.toString(g.shape) + " " + g.dtype + ", expected " + Arrays.toString(targets[i].shape)
                            + " FLOAT64");
                }
                analytic[i][o] = g == null ? new double[targets[i].numel] : g.toDoubleArray();
            }
        }
        // numerical Jacobian, one column per input element
        for (int i = 0; i < targets.length; i++) {
            Tensor t = targets[i];
            int[] pos = storagePositions(t);
            for (int j = 0; j < pos.length; j++) {
                double orig = t.d[pos[j]];
                t.d[pos[j]] = orig + eps;
                double[] plus = f.apply(inputs).toDoubleArray();
                t.d[pos[j]] = orig - eps;
                double[] minus = f.apply(inputs).toDoubleArray();
                t.d[pos[j]] = orig;
                for (int o = 0; o < numOut; o++) {
                    double num = (plus[o] - minus[o]) / (2 * eps);
                    double ana = analytic[i][o][j];
                    if (!(Math.abs(ana - num) <= atol + rtol * Math.abs(num))) {
                        throw new AssertionError(String.format(java.util.Locale.ROOT,
                                "gradcheck: Jacobian mismatch for input %d (shape %s) element %d, output element %d"
                                        + " (output shape %s): analytic %.10g vs numerical %.10g (atol %g, rtol %g)",
                                checked.get(i), Arrays.toString(t.shape), j, o, Arrays.toString(out.shape), ana, num,
                                atol, rtol));
                    }
                }
            }
        }
        return true;
    }

    /**
     * Second-order check with the default tolerances.
     *
     * @param f the function
     * @param inputs its inputs
     * @return true (a failure throws)
     */
    public static boolean gradgradcheck(Fn f, Tensor... inputs) {
        return gradgradcheck(f, DEFAULT_EPS, DEFAULT_ATOL, DEFAULT_RTOL, inputs);
    }

    /**
     * Second-order check: for a fixed random output gradient {@code u}, gradient-checks the map
     * {@code (inputs, u) -> grad(f(inputs), inputs, u, createGraph=true)[k]} for every checked
     * input {@code k}, so the gradient of the gradient is verified with respect to both the
     * inputs and {@code u}.
     *
     * @param f the function
     * @param eps finite-difference step
     * @param atol absolute tolerance
     * @param rtol relative tolerance
     * @param inputs its inputs
     * @return true (a failure throws)
     */
    public static boolean gradgradcheck(Fn f, double eps, double atol, double rtol, Tensor... inputs) {
        List<Integer> checked = checkedInputs("gradgradcheck", inputs);
        Tensor out0 = f.apply(inputs);
        requireOutput("gradgradcheck", out0);
        Tensor u = Tensor.randn(Rng.seeded(0x5EEDL), DType.FLOAT64, out0.shape.clone()).requiresGrad(true);
        Tensor[] extended = Arrays.copyOf(inputs, inputs.length + 1);
        extended[inputs.length] = u;
        for (int k = 0; k < checked.size(); k++) {
            int kk = k;
            gradcheck(xs -> {
                Tensor[] orig = Arrays.copyOf(xs, xs.length - 1);
                Tensor out = f.apply(orig);
                Tensor[] targets = new Tensor[checked.size()];
                for (int i = 0; i < targets.length; i++) {
                    targets[i] = orig[checked.get(i)];
                }
                if (!out.requiresGrad) {
                    return Tensor.zeros(DType.FLOAT64, targets[kk].shape.clone());
                }
                return Autograd.grad(new Tensor[] {out}, targets, new Tensor[] {xs[xs.length - 1]}, true, true)[kk];
            }, eps, atol, rtol, extended);
        }
        return true;
    }

    private static List<Integer> checkedInputs(String op, Tensor[] inputs) {
        List<Integer> checked = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            if (t.requiresGrad) {
                if (t.dtype != DType.FLOAT64) {
                    throw new AssertionError(op + ": input " + i + " is " + t.dtype
                            + "; finite differences need FLOAT64 — create it with DType.FLOAT64 or call .to(DType.FLOAT64)");
                }
                checked.add(i);
            }
        }
        if (checked.isEmpty()) {
            throw new AssertionError(op + ": no input requires grad; call requiresGrad(true) on the inputs to check");
        }
        return checked;
    }

    private static void requireOutput(String op, Tensor out) {
        if (out == null || out.dtype != DType.FLOAT64) {
            throw new AssertionError(op + ": the function must return a FLOAT64 tensor, got "
                    + (out == null ? "null" : out.dtype.toString()));
        }
    }

    private static int[] storagePositions(Tensor t) {
        int[] pos = new int[t.numel];
        int[] idx = new int[t.shape.length];
        for (int j = 0; j < pos.length; j++) {
            int p = t.offset;
            for (int dd = 0; dd < idx.length; dd++) {
                p += idx[dd] * t.strides[dd];
            }
            pos[j] = p;
            for (int dd = idx.length - 1; dd >= 0; dd--) {
                if (++idx[dd] < t.shape[dd]) {
                    break;
                }
                idx[dd] = 0;
            }
        }
        return pos;
    }
}
