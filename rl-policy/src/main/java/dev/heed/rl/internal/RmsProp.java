package dev.heed.rl.internal;

import dev.heed.core.Tensor;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParamGroup;
import java.util.Collection;
import java.util.List;
import org.apiguardian.api.API;

/**
 * RMSprop with PyTorch's formula ({@code torch.optim.RMSprop}, not centered, no momentum, no weight
 * decay), as Stable-Baselines3's A2C uses it:
 *
 * <pre>
 *   v = α·v + (1 − α)·g²
 *   p = p − lr · g / (√v + ε)            (ε added outside the square root, unlike TensorFlow)
 * </pre>
 *
 * FLOAT32 parameters are updated in float arithmetic, FLOAT64 in double. The buffer is saved as
 * {@code square_avg} in {@link #stateDict()}.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class RmsProp extends Optimizer {

    private final double alpha;
    private final double eps;

    /**
     * @param params parameters to update
     * @param lr learning rate, ≥ 0
     * @param alpha smoothing constant in [0, 1)
     * @param eps added to the root, > 0
     */
    public RmsProp(Collection<Tensor> params, double lr, double alpha, double eps) {
        super(List.of(ParamGroup.of(params)), lr, 0.0);
        if (!(alpha >= 0 && alpha < 1) || !(eps > 0) || !(lr >= 0)) {
            throw new IllegalArgumentException("RMSprop: need lr >= 0, alpha in [0, 1) and eps > 0, got lr=" + lr
                    + ", alpha=" + alpha + ", eps=" + eps);
        }
        this.alpha = alpha;
        this.eps = eps;
    }

    @Override
    protected void update(State s, ParamGroup group, float[] p, int po, float[] g, int go, int n) {
        float[] v = floatBuffer(s, "square_avg", n);
        float a = (float) alpha;
        float oneMinusA = (float) (1 - alpha);
        float e = (float) eps;
        float lr = (float) group.lr();
        for (int i = 0; i < n; i++) {
            float gi = g[go + i];
            float vi = a * v[i] + oneMinusA * gi * gi;
            v[i] = vi;
            p[po + i] -= lr * (gi / ((float) Math.sqrt(vi) + e));
        }
    }

    @Override
    protected void update(State s, ParamGroup group, double[] p, int po, double[] g, int go, int n) {
        double[] v = doubleBuffer(s, "square_avg", n);
        double lr = group.lr();
        for (int i = 0; i < n; i++) {
            double gi = g[go + i];
            double vi = alpha * v[i] + (1 - alpha) * gi * gi;
            v[i] = vi;
            p[po + i] -= lr * (gi / (Math.sqrt(vi) + eps));
        }
    }

    @Override
    protected List<String> bufferNames() {
        return List.of("square_avg");
    }

    @Override
    protected String name() {
        return "RMSprop";
    }
}
