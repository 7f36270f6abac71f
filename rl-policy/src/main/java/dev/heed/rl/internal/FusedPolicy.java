package dev.heed.rl.internal;

import dev.heed.core.Blas;
import dev.heed.rl.MlpPolicyWeights;
import dev.heed.rl.distributions.Categorical;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import org.apiguardian.api.API;

/**
 * Allocation-light inference for small batches: a frozen float copy of an actor-critic's weights and
 * plain loops in double precision (dot products over contiguous {@code [out, in]} rows), instead of
 * a dozen tensor ops per step. Per-step policy inference on tiny batches dominates on-policy RL, and
 * tensor op overheads (and a slow {@code tanh}) dominate such tiny products.
 *
 * <p>Semantics match the tensor path ({@code ActorCritic.distribution}): same sampling algorithms and
 * generator consumption (categorical: one {@code nextDouble} per row, inverse CDF; Gaussian: one
 * {@code nextGaussian} per component, row-major), same log σ clamp. Results agree with the float32
 * tensor path to float rounding.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FusedPolicy {

    /** Kind of action head. */
    public enum Head {
        /** logits of a categorical distribution. */
        CATEGORICAL,
        /** mean of a Gaussian, log σ a parameter. */
        GAUSSIAN_PARAM,
        /** mean and log σ from the head. */
        GAUSSIAN_HEAD,
        /** logits of independent categoricals, one block per component. */
        MULTI_CATEGORICAL
    }

    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
    private static final double LOG_STD_MIN = -20;
    private static final double LOG_STD_MAX = 2;
    private static final double SQUASH_EPS = 1e-6;

    private final float[][] piW;
    private final float[][] piB;
    private final float[][] vfW;
    private final float[][] vfB;
    private final boolean shared;
    private final boolean tanh;
    private final float[] headW;
    private final float[] headB;
    private final float[] valueW;
    private final float[] valueB;
    private final double[] logStd;
    private final Head head;
    private final int[] nvec;
    private final boolean squash;
    private final int obsDim;
    private final int actDim;
    private final int headOut;

    /**
     * @param piW actor (or shared trunk) weights, each {@code [out * in]} row-major (PyTorch layout; transposed here)
     * @param piB actor biases
     * @param vfW critic weights (ignored when shared)
     * @param vfB critic biases
     * @param shared one trunk for both heads
     * @param tanh tanh (true) or relu hidden activation
     * @param headW action head weight {@code [headOut * in]}
     * @param headB action head bias
     * @param valueW value head weight {@code [in]}
     * @param valueB value head bias {@code [1]}
     * @param logStd state-independent log σ or null
     * @param head head kind
     * @param squash tanh-squash Gaussian samples
     * @param obsDim inputs
     * @param actDim action columns (1 for categorical)
     * @param headOut action head outputs
     * @param nvec classes per component for {@link Head#MULTI_CATEGORICAL}, else null
     */
    public FusedPolicy(float[][] piW, float[][] piB, float[][] vfW, float[][] vfB, boolean shared, boolean tanh,
            float[] headW, float[] headB, float[] valueW, float[] valueB, double[] logStd, Head head, boolean squash,
            int obsDim, int actDim, int headOut, int[] nvec) {
        this.piW = transposeAll(piW, piB, obsDim);
        this.piB = piB;
        this.vfW = vfW == null ? null : transposeAll(vfW, vfB, obsDim);
        this.vfB = vfB;
        this.shared = shared;
        this.tanh = tanh;
        int piOut = piB.length == 0 ? obsDim : piB[piB.length - 1].length;
        float[][] vb = shared ? piB : vfB;
        int vfOut = vb.length == 0 ? obsDim : vb[vb.length - 1].length;
        this.headW = transpose(headW, headOut, piOut);
        this.headB = headB;
        this.valueW = transpose(valueW, 1, vfOut);
        this.valueB = valueB;
        this.logStd = logStd;
        this.head = head;
        this.nvec = nvec == null ? null : nvec.clone();
        this.squash = squash;
        this.obsDim = obsDim;
        this.actDim = actDim;
        this.headOut = headOut;
    }

    private static float[][] transposeAll(float[][] ws, float[][] bs, int in) {
        float[][] out = new float[ws.length][];
        int d = in;
        for (int l = 0; l < ws.length; l++) {
            out[l] = transpose(ws[l], bs[l].length, d);
            d = bs[l].length;
        }
        return out;
    }

    /** {@code [rows, cols]} row-major to {@code [cols, rows]} row-major. */
    private static float[] transpose(float[] w, int rows, int cols) {
        float[] t = new float[w.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = w[r * cols + c];
            }
        }
        return t;
    }

    /**
     * {@code tanh} from one {@code Math.exp} (an intrinsic), accurate to a few ulps of double away
     * from 0 and to ~1e-16 absolute near 0 — far below float32 weight precision.
     *
     * @param x input
     * @return tanh(x)
     */
    public static double tanh(double x) {
        if (x > 20) {
            return 1;
        }
        if (x < -20) {
            return -1;
        }
        if (Math.abs(x) < 1e-4) {
            return x - x * x * x / 3;
        }
        double e = Math.exp(2 * x);
        return (e - 1) / (e + 1);
    }

    /**
     * Branch-free float {@code tanh}: a [13/6] odd/even rational minimax approximation on
     * {@code [−7.905, 7.905]} (outside it tanh is 1 in float), the one Eigen uses for float tanh;
     * absolute error below 1e-6. Pure arithmetic, so C2 vectorises loops over it.
     *
     * @param v input
     * @return tanh(v)
     */
    public static float tanhF(float v) {
        float x = Math.max(-7.90531110763549805f, Math.min(7.90531110763549805f, v));
        float x2 = x * x;
        float p = -2.76076847742355e-16f;
        p = p * x2 + 2.00018790482477e-13f;
        p = p * x2 + -8.60467152213735e-11f;
        p = p * x2 + 5.12229709037114e-08f;
        p = p * x2 + 1.48572235717979e-05f;
        p = p * x2 + 6.37261928875436e-04f;
        p = p * x2 + 4.89352455891786e-03f;
        p = p * x;
        float q = 1.19825839466702e-06f;
        q = q * x2 + 1.18534705686654e-04f;
        q = q * x2 + 2.26843463243900e-03f;
        q = q * x2 + 4.89352518554385e-03f;
        return p / q;
    }

    /**
     * {@code y = act(x·Wᵀ + b)} for a batch: {@code x [n, in]}, {@code wt} the transposed weight
     * {@code [in, out]}. The product goes to the tensor kernels through {@link Blas} (the same
     * bits as {@code Tensor.matmul}, without its tensors); bias and activation are whole-array loops
     * ({@link MlpPolicyWeights#biasActivate}, the same operations as {@link #tanhF}).
     */
    private float[] layer(float[] x, int n, int in, float[] wt, float[] b, int out, boolean act) {
        float[] y = new float[n * out];
        Blas.sgemm(false, false, n, out, in, x, 0, in, wt, 0, out, y, 0, out);
        MlpPolicyWeights.biasActivate(y, n, b, act, tanh);
        return y;
    }

    private float[] mlp(float[] x, int n, float[][] ws, float[][] bs) {
        float[] h = x;
        int in = obsDim;
        for (int l = 0; l < ws.length; l++) {
            int out = bs[l].length;
            h = layer(h, n, in, ws[l], bs[l], out, true);
            in = out;
        }
        return h;
    }

    private int piOut() {
        return piB.length == 0 ? obsDim : piB[piB.length - 1].length;
    }

    private int vfOut() {
        float[][] b = shared ? piB : vfB;
        return b.length == 0 ? obsDim : b[b.length - 1].length;
    }

    private static float[] flatten(double[][] obs, int d) {
        float[] x = new float[obs.length * d];
        for (int i = 0; i < obs.length; i++) {
            for (int k = 0; k < d; k++) {
                x[i * d + k] = (float) obs[i][k];
            }
        }
        return x;
    }

    /**
     * @param obs {@code [n][obsDim]}
     * @return {@code [n]} values
     */
    public double[] values(double[][] obs) {
        int n = obs.length;
        float[] h = mlp(flatten(obs, obsDim), n, shared ? piW : vfW, shared ? piB : vfB);
        float[] v = layer(h, n, vfOut(), valueW, valueB, 1, false);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = v[i];
        }
        return out;
    }

    /**
     * Samples (or takes the modes of) the action distributions of a batch, row by row.
     *
     * @param obs {@code [n][obsDim]}
     * @param rng generator (unused when deterministic)
     * @param deterministic modes instead of samples
     * @param actionsOut {@code [n][actDim]} receives the raw actions
     * @param valuesOut {@code [n]} receives the values, or null to skip the critic
     * @param logProbsOut {@code [n]} receives the log-probabilities
     */
    public void act(double[][] obs, Rng rng, boolean deterministic, double[][] actionsOut, double[] valuesOut,
            double[] logProbsOut) {
        int n = obs.length;
        float[] x = flatten(obs, obsDim);
        float[] hp = mlp(x, n, piW, piB);
        float[] out = layer(hp, n, piOut(), headW, headB, headOut, false);
        if (valuesOut != null) {
            float[] hv = shared ? hp : mlp(x, n, vfW, vfB);
            float[] v = layer(hv, n, vfOut(), valueW, valueB, 1, false);
            for (int i = 0; i < n; i++) {
                valuesOut[i] = v[i];
            }
        }
        double[] row = new double[headOut];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < headOut; j++) {
                row[j] = out[i * headOut + j];
            }
            logProbsOut[i] = sample(row, rng, deterministic, actionsOut[i]);
        }
    }

    /** One categorical over {@code out[off, off + k)}: writes the class to {@code actionOut[slot]}, returns its log-probability. */
    private static double categorical(double[] out, int off, int k, Rng rng, boolean deterministic, double[] actionOut,
            int slot) {
        double logZ = Categorical.logSumExp(out, off, k);
        int pick;
        if (deterministic) {
            pick = 0;
            for (int j = 1; j < k; j++) {
                if (out[off + j] > out[off + pick]) {
                    pick = j;
                }
            }
        } else {
            double u = rng.nextDouble();
            double c = 0;
            pick = -1;
            int lastPositive = 0;
            for (int j = 0; j < k; j++) {
                double p = Math.exp(out[off + j] - logZ);
                if (p > 0) {
                    lastPositive = j;
                }
                c += p;
                if (u < c) {
                    pick = j;
                    break;
                }
            }
            if (pick < 0) {
                pick = lastPositive;
            }
        }
        actionOut[slot] = pick;
        return out[off + pick] - logZ;
    }

    private double sample(double[] out, Rng rng, boolean deterministic, double[] actionOut) {
        if (head == Head.CATEGORICAL) {
            return categorical(out, 0, headOut, rng, deterministic, actionOut, 0);
        }
        if (head == Head.MULTI_CATEGORICAL) {
            double lp = 0;
            int off = 0;
            for (int j = 0; j < nvec.length; j++) {
                lp += categorical(out, off, nvec[j], rng, deterministic, actionOut, j);
                off += nvec[j];
            }
            return lp;
        }
        double lp = 0;
        for (int j = 0; j < actDim; j++) {
            double mean = out[j];
            double ls = head == Head.GAUSSIAN_PARAM ? logStd[j] : out[actDim + j];
            ls = Math.max(LOG_STD_MIN, Math.min(LOG_STD_MAX, ls));
            double eps = deterministic ? 0 : rng.nextGaussian();
            double u = mean + Math.exp(ls) * eps;
            lp += -0.5 * eps * eps - ls - HALF_LOG_2PI;
            if (squash) {
                double a = tanh(u);
                lp -= Math.log(1 - a * a + SQUASH_EPS);
                actionOut[j] = a;
            } else {
                actionOut[j] = u;
            }
        }
        return lp;
    }
}
