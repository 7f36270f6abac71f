package dev.heed.core.optim;

import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.Tensor;
import dev.heed.core.internal.TensorInternals;
import dev.heed.core.internal.kernel.KernelBackends;
import java.util.Collection;
import org.apiguardian.api.API;

/** Gradient clipping, as {@code torch.nn.utils.clip_grad_norm_}. Not thread-safe. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class GradClip {

    private GradClip() {}

    /**
     * Scales all gradients together so that their global L2 norm is at most {@code maxNorm}:
     * {@code total = sqrt(sum over params of ||g||^2)}, {@code coef = min(1, maxNorm / (total + 1e-6))},
     * every gradient {@code *= coef} in place. Parameters without gradient are ignored. The norm
     * is accumulated in double (float32 gradients through the vectorised kernel, in a fixed
     * order). A NaN norm leaves the gradients unchanged.
     *
     * @param params the parameters whose {@code grad()} to clip
     * @param maxNorm the maximum norm, > 0
     * @return the global norm BEFORE clipping (may be infinite or NaN if a gradient is)
     */
    public static double clipGradNorm(Collection<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("clipGradNorm: maxNorm must be > 0, got " + maxNorm);
        }
        double sq = 0;
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            if (!g.isContiguous()) {
                double[] v = g.toDoubleArray();
                for (double x : v) {
                    sq += x * x;
                }
                continue;
            }
            int off = TensorInternals.offset(g);
            int n = g.numel();
            if (g.dtype() == DType.FLOAT32) {
                sq += KernelBackends.get().sumOfSquares(TensorInternals.floatData(g), off, n);
            } else {
                double[] d = TensorInternals.doubleData(g);
                for (int i = 0; i < n; i++) {
                    double x = d[off + i];
                    sq += x * x;
                }
            }
        }
        double total = Math.sqrt(sq);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g != null) {
                    scale(g, coef);
                }
            }
        }
        return total;
    }

    private static void scale(Tensor g, double coef) {
        if (!g.isContiguous()) {
            try (NoGrad ignored = NoGrad.enter()) {
                g.mulInPlace(coef);
            }
            return;
        }
        int off = TensorInternals.offset(g);
        int n = g.numel();
        if (g.dtype() == DType.FLOAT32) {
            float[] f = TensorInternals.floatData(g);
            float c = (float) coef;
            for (int i = 0; i < n; i++) {
                f[off + i] *= c;
            }
        } else {
            double[] d = TensorInternals.doubleData(g);
            for (int i = 0; i < n; i++) {
                d[off + i] *= coef;
            }
        }
    }
}
