package dev.heed.core.optim;

import dev.heed.core.Tensor;
import java.util.Collection;
import java.util.List;
import org.apiguardian.api.API;

/**
 * RMSprop with PyTorch's exact update ({@code torch.optim.RMSprop}; Stable-Baselines3's A2C uses it
 * with alpha 0.99, eps 1e-5). Per parameter:
 *
 * <pre>
 *   g  = g + wd * p                                  (if weight decay != 0)
 *   s  = alpha * s + (1 - alpha) * g * g
 *   m  = m + (1 - alpha) * (g - m)                   (centered only: running mean of g)
 *   avg = sqrt(s - m^2) + eps    (centered)   or   sqrt(s) + eps
 *   b  = momentum * b + g / avg;  p = p - lr * b     (momentum > 0)
 *   p  = p - lr * g / avg                            (otherwise)
 * </pre>
 *
 * Note that eps is added outside the square root (TensorFlow's RMSprop puts it inside).
 * Defaults: lr 1e-2, alpha 0.99, eps 1e-8, no weight decay, no momentum, not centered.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class RMSprop extends Optimizer {

    /** Hyperparameters (mutable builder). */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public static final class Config {
        double lr = 1e-2;
        double alpha = 0.99;
        double eps = 1e-8;
        double weightDecay;
        double momentum;
        boolean centered;

        Config() {}

        /**
         * @param v learning rate
         * @return this
         */
        public Config lr(double v) {
            checkNonNegative("RMSprop", "lr", v);
            lr = v;
            return this;
        }

        /**
         * @param v smoothing constant in [0, 1]
         * @return this
         */
        public Config alpha(double v) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("RMSprop: alpha must be in [0, 1], got " + v);
            }
            alpha = v;
            return this;
        }

        /**
         * @param v epsilon added to the root, >= 0
         * @return this
         */
        public Config eps(double v) {
            checkNonNegative("RMSprop", "eps", v);
            eps = v;
            return this;
        }

        /**
         * @param v default weight decay (L2)
         * @return this
         */
        public Config weightDecay(double v) {
            checkNonNegative("RMSprop", "weight decay", v);
            weightDecay = v;
            return this;
        }

        /**
         * @param v momentum factor, >= 0
         * @return this
         */
        public Config momentum(double v) {
            checkNonNegative("RMSprop", "momentum", v);
            momentum = v;
            return this;
        }

        /**
         * @param v normalise by the estimated variance of the gradient instead of its second moment
         * @return this
         */
        public Config centered(boolean v) {
            centered = v;
            return this;
        }
    }

    private final double alpha;
    private final double eps;
    private final double momentum;
    private final boolean centered;

    /** @return the defaults (lr 1e-2, alpha 0.99, eps 1e-8) */
    public static Config config() {
        return new Config();
    }

    /**
     * @param params the parameters
     * @param lr learning rate
     */
    public RMSprop(Collection<Tensor> params, double lr) {
        this(List.of(ParamGroup.of(params)), config().lr(lr));
    }

    /**
     * @param params the parameters
     * @param config hyperparameters
     */
    public RMSprop(Collection<Tensor> params, Config config) {
        this(List.of(ParamGroup.of(params)), config);
    }

    /**
     * @param groups parameter groups
     * @param config hyperparameters
     */
    public RMSprop(List<ParamGroup> groups, Config config) {
        super(groups, config.lr, config.weightDecay);
        this.alpha = config.alpha;
        this.eps = config.eps;
        this.momentum = config.momentum;
        this.centered = config.centered;
    }

    @Override
    protected String name() {
        return "RMSprop";
    }

    @Override
    protected List<String> bufferNames() {
        return List.of("square_avg", "grad_avg", "momentum_buffer");
    }

    @Override
    protected void update(State s, ParamGroup group, float[] p, int po, float[] g, int go, int n) {
        float lr = (float) group.lr();
        float wd = (float) group.weightDecay();
        float a = (float) alpha;
        float w = (float) (1 - alpha);
        float e = (float) eps;
        float mom = (float) momentum;
        float[] sq = floatBuffer(s, "square_avg", n);
        float[] ga = centered ? floatBuffer(s, "grad_avg", n) : null;
        float[] b = momentum > 0 ? floatBuffer(s, "momentum_buffer", n) : null;
        for (int i = 0; i < n; i++) {
            float gi = g[go + i];
            if (wd != 0f) {
                gi += wd * p[po + i];
            }
            float si = sq[i] * a + w * gi * gi;
            sq[i] = si;
            float avg;
            if (ga != null) {
                float gai = ga[i] + w * (gi - ga[i]);
                ga[i] = gai;
                avg = (float) Math.sqrt(si - gai * gai) + e;
            } else {
                avg = (float) Math.sqrt(si) + e;
            }
            if (b != null) {
                float bi = b[i] * mom + gi / avg;
                b[i] = bi;
                p[po + i] -= lr * bi;
            } else {
                p[po + i] += -lr * (gi / avg);
            }
        }
    }

    @Override
    protected void update(State s, ParamGroup group, double[] p, int po, double[] g, int go, int n) {
        double lr = group.lr();
        double wd = group.weightDecay();
        double w = 1 - alpha;
        double[] sq = doubleBuffer(s, "square_avg", n);
        double[] ga = centered ? doubleBuffer(s, "grad_avg", n) : null;
        double[] b = momentum > 0 ? doubleBuffer(s, "momentum_buffer", n) : null;
        for (int i = 0; i < n; i++) {
            double gi = g[go + i];
            if (wd != 0) {
                gi += wd * p[po + i];
            }
            double si = sq[i] * alpha + w * gi * gi;
            sq[i] = si;
            double avg;
            if (ga != null) {
                double gai = ga[i] + w * (gi - ga[i]);
                ga[i] = gai;
                avg = Math.sqrt(si - gai * gai) + eps;
            } else {
                avg = Math.sqrt(si) + eps;
            }
            if (b != null) {
                double bi = b[i] * momentum + gi / avg;
                b[i] = bi;
                p[po + i] -= lr * bi;
            } else {
                p[po + i] += -lr * (gi / avg);
            }
        }
    }
}
