package dev.heed.core.optim;

import dev.heed.core.Tensor;
import java.util.Collection;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Stochastic gradient descent with PyTorch's exact update ({@code torch.optim.SGD}):
 *
 * <pre>
 *   d = g + wd * p                                   (weight decay, if != 0)
 *   b = d                                            (first step with momentum)
 *   b = momentum * b + (1 - dampening) * d           (later steps)
 *   d = nesterov ? d + momentum * b : b              (if momentum != 0)
 *   p = p - lr * d
 * </pre>
 *
 * Defaults: no momentum, no dampening, no Nesterov, no weight decay. Nesterov needs
 * momentum &gt; 0 and zero dampening.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class SGD extends Optimizer {

    /** Hyperparameters (mutable builder). */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public static final class Config {
        double lr = 1e-3;
        double momentum;
        double dampening;
        boolean nesterov;
        double weightDecay;

        Config() {}

        /**
         * @param v learning rate
         * @return this
         */
        public Config lr(double v) {
            checkNonNegative("SGD", "lr", v);
            lr = v;
            return this;
        }

        /**
         * @param v momentum factor, >= 0
         * @return this
         */
        public Config momentum(double v) {
            checkNonNegative("SGD", "momentum", v);
            momentum = v;
            return this;
        }

        /**
         * @param v dampening of the momentum, >= 0
         * @return this
         */
        public Config dampening(double v) {
            checkNonNegative("SGD", "dampening", v);
            dampening = v;
            return this;
        }

        /**
         * @param v use Nesterov momentum
         * @return this
         */
        public Config nesterov(boolean v) {
            nesterov = v;
            return this;
        }

        /**
         * @param v default weight decay (L2)
         * @return this
         */
        public Config weightDecay(double v) {
            checkNonNegative("SGD", "weight decay", v);
            weightDecay = v;
            return this;
        }
    }

    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    /** @return defaults (lr 1e-3, everything else off) */
    public static Config config() {
        return new Config();
    }

    /**
     * @param params the parameters
     * @param lr learning rate
     */
    public SGD(Collection<Tensor> params, double lr) {
        this(List.of(ParamGroup.of(params)), config().lr(lr));
    }

    /**
     * @param params the parameters
     * @param config hyperparameters
     */
    public SGD(Collection<Tensor> params, Config config) {
        this(List.of(ParamGroup.of(params)), config);
    }

    /**
     * @param groups parameter groups
     * @param config hyperparameters
     */
    public SGD(List<ParamGroup> groups, Config config) {
        super(groups, config.lr, config.weightDecay);
        if (config.nesterov && (config.momentum <= 0 || config.dampening != 0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum requires momentum > 0 and dampening = 0, got momentum="
                    + config.momentum + ", dampening=" + config.dampening);
        }
        this.momentum = config.momentum;
        this.dampening = config.dampening;
        this.nesterov = config.nesterov;
    }

    @Override
    protected String name() {
        return "SGD";
    }

    @Override
    protected List<String> bufferNames() {
        return List.of("momentum_buffer");
    }

    @Override
    protected void update(State s, ParamGroup group, float[] p, int po, float[] g, int go, int n) {
        float lr = (float) group.lr();
        float wd = (float) group.weightDecay();
        float mom = (float) momentum;
        float keep = (float) (1 - dampening);
        boolean first = !s.buffers.containsKey("momentum_buffer");
        float[] b = momentum != 0 ? floatBuffer(s, "momentum_buffer", n) : null;
        for (int i = 0; i < n; i++) {
            float d = g[go + i];
            if (wd != 0f) {
                d += wd * p[po + i];
            }
            if (b != null) {
                float bi = first ? d : mom * b[i] + keep * d;
                b[i] = bi;
                d = nesterov ? d + mom * bi : bi;
            }
            p[po + i] -= lr * d;
        }
    }

    @Override
    protected void update(State s, ParamGroup group, double[] p, int po, double[] g, int go, int n) {
        double lr = group.lr();
        double wd = group.weightDecay();
        double keep = 1 - dampening;
        boolean first = !s.buffers.containsKey("momentum_buffer");
        double[] b = momentum != 0 ? doubleBuffer(s, "momentum_buffer", n) : null;
        for (int i = 0; i < n; i++) {
            double d = g[go + i];
            if (wd != 0) {
                d += wd * p[po + i];
            }
            if (b != null) {
                double bi = first ? d : momentum * b[i] + keep * d;
                b[i] = bi;
                d = nesterov ? d + momentum * bi : bi;
            }
            p[po + i] -= lr * d;
        }
    }
}
