package dev.heed.rl.trpo.internal;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Conjugate gradient for a symmetric positive-definite system {@code A x = b} where {@code A} is
 * available only as a matrix-vector product (TRPO's Fisher-vector product).
 *
 * <p>Starts from {@code x = 0}, runs at most {@code maxSteps} iterations and stops early when the
 * squared residual {@code ‖b − A x‖²} falls below {@code residualTol}. The residual of the returned
 * solution is reported so callers can log how well the system was solved.
 *
 * <p>Stateless and thread-safe; the operator is called from the calling thread only.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ConjugateGradient {

    /** A symmetric positive-definite linear operator {@code v ↦ A v}. */
    @FunctionalInterface
    public interface Operator {
        /**
         * @param v the vector (must not be modified)
         * @return {@code A v}, a fresh array of the same length
         */
        double[] apply(double[] v);
    }

    /**
     * The solution and how it was reached.
     *
     * @param x the approximate solution
     * @param iterations operator applications performed
     * @param residualNorm {@code ‖b − A x‖} as tracked by the recurrence
     */
    public record Result(double[] x, int iterations, double residualNorm) {}

    private ConjugateGradient() {}

    /**
     * Solves {@code A x = b}.
     *
     * @param a the operator (symmetric positive-definite)
     * @param b the right-hand side, not modified
     * @param maxSteps maximum number of iterations, ≥ 1
     * @param residualTol stop when the squared residual is below this, ≥ 0
     * @return the result
     * @throws IllegalArgumentException if {@code maxSteps < 1}, {@code residualTol < 0}, the
     *     operator returns a vector of the wrong length, or the operator is not positive along a
     *     search direction
     */
    public static Result solve(Operator a, double[] b, int maxSteps, double residualTol) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (maxSteps < 1) {
            throw new IllegalArgumentException("conjugate gradient: maxSteps is " + maxSteps + "; expected ≥ 1");
        }
        if (!(residualTol >= 0)) {
            throw new IllegalArgumentException("conjugate gradient: residualTol is " + residualTol + "; expected ≥ 0");
        }
        int n = b.length;
        double[] x = new double[n];
        double[] r = b.clone();
        double[] p = b.clone();
        double rr = dot(r, r);
        int it = 0;
        while (it < maxSteps && rr >= residualTol && rr > 0) {
            double[] ap = a.apply(p);
            it++;
            if (ap.length != n) {
                throw new IllegalArgumentException("conjugate gradient: operator returned a vector of length "
                        + ap.length + " for an input of length " + n);
            }
            double pap = dot(p, ap);
            if (!(pap > 0)) {
                throw new IllegalArgumentException("conjugate gradient: pᵀAp = " + pap
                        + " along a search direction; the operator must be symmetric positive-definite"
                        + " (for TRPO, increase cg_damping)");
            }
            double alpha = rr / pap;
            for (int i = 0; i < n; i++) {
                x[i] += alpha * p[i];
                r[i] -= alpha * ap[i];
            }
            double rrNew = dot(r, r);
            double beta = rrNew / rr;
            for (int i = 0; i < n; i++) {
                p[i] = r[i] + beta * p[i];
            }
            rr = rrNew;
        }
        return new Result(x, it, Math.sqrt(rr));
    }

    /**
     * @param a first vector
     * @param b second vector, same length
     * @return {@code aᵀb}
     */
    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
