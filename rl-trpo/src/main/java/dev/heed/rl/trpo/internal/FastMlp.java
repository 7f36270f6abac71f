package dev.heed.rl.trpo.internal;

import dev.heed.core.Blas;
import dev.heed.core.CustomOp;
import dev.heed.core.NoGrad;
import dev.heed.core.Tensor;
import dev.heed.rl.ActorCritic;
import dev.heed.rl.MlpPolicyWeights;
import dev.heed.rl.distributions.Categorical;
import dev.heed.rl.distributions.DiagGaussian;
import dev.heed.rl.distributions.Distribution;
import org.apiguardian.api.API;

/**
 * Faster passes over an {@link ActorCritic}'s own parameter tensors for TRPO, for SB3-style float32
 * policies (separate actor and critic MLPs, tanh or relu, categorical or state-independent-σ
 * Gaussian, no squashing):
 * <ul>
 *   <li>{@link #distribution}: the actor with a fast tanh joined to autograd through
 *       {@link CustomOp}; its backward {@code g·(1 − y²)} is written with tensor ops, so the
 *       Fisher-vector products can differentiate through it again;
 *   <li>{@link #criticStep}: value-net forward and hand-written backward over {@code float[]}
 *       (the critic regression needs first derivatives only), gradients stored with
 *       {@link Tensor#setGrad}.
 * </ul>
 * Critic matrix products go through {@link Blas} into reused buffers (no tensors allocated). {@code Math.tanh} is a JNI call on JDK 17 (~60 ns); the float tanh here is
 * {@link MlpPolicyWeights#tanh} (under 1 ns, absolute error below 2e-6), the same as inference.
 *
 * <p>Not thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FastMlp {

    private final boolean tanh;
    private final boolean discrete;
    private final int obsDim;
    private final Tensor[] piW;
    private final Tensor[] piB;
    private final Tensor[] vfW;
    private final Tensor[] vfB;
    private final Tensor actW;
    private final Tensor actB;
    private final Tensor valW;
    private final Tensor valB;
    private final Tensor logStd;
    /** Critic activations and their gradients, reused across minibatches of {@link #bufRows} rows. */
    private float[][] hs;
    private float[][] dhs;
    private float[] vBuf;
    private float[] ones;
    private int bufRows = -1;

    /**
     * @param p a policy
     * @return whether this fast path handles it
     */
    public static boolean supports(ActorCritic p) {
        return MlpPolicyWeights.supports(p);
    }

    /**
     * @param p a supported policy
     * @throws IllegalArgumentException if {@link #supports} is false
     */
    public FastMlp(ActorCritic p) {
        MlpPolicyWeights w = MlpPolicyWeights.of(p, "FastMlp");
        obsDim = w.obsDim();
        tanh = w.tanh();
        piW = w.piW();
        piB = w.piB();
        vfW = w.vfW();
        vfB = w.vfB();
        actW = w.actW();
        actB = w.actB();
        valW = w.valW();
        valB = w.valB();
        logStd = w.logStd();
        discrete = w.discrete();
    }

    /**
     * The action distributions, differentiable (to any order) in the actor parameters.
     *
     * @param obs {@code [N, obsDim]} float32
     * @return the distributions
     */
    public Distribution distribution(Tensor obs) {
        Tensor h = obs;
        for (int l = 0; l < piW.length; l++) {
            Tensor z = h.matmul(piW[l].mT()).add(piB[l]);
            h = tanh ? fastTanh(z) : z.relu();
        }
        Tensor out = h.matmul(actW.mT()).add(actB);
        return discrete ? Categorical.fromLogits(out) : DiagGaussian.of(out, logStd);
    }

    /**
     * tanh with a fast forward; backward {@code g·(1 − y²)} in tensor ops (differentiable again).
     *
     * @param z float32 input
     * @return tanh(z)
     */
    static Tensor fastTanh(Tensor z) {
        float[] v;
        try (NoGrad ignored = NoGrad.enter()) {
            v = z.toFloatArray();
        }
        tanhInPlace(v);
        Tensor y = Tensor.of(v, z.shape());
        return CustomOp.record("fast_tanh", y, g -> new Tensor[] {g.mul(y.mul(y).rsub(1.0))}, z);
    }

    /**
     * @param z values, replaced by their tanh ({@link MlpPolicyWeights#tanh}, the same as inference)
     */
    static void tanhInPlace(float[] z) {
        MlpPolicyWeights.tanhInPlace(z, z.length);
    }

    /**
     * One critic regression pass: {@code loss = mean (R − V(s))²}; stores the gradients of the value
     * parameters with {@link Tensor#setGrad} (the caller steps its optimizer).
     *
     * @param x {@code [rows × obsDim]} observations
     * @param returns {@code [rows]} targets
     * @return the loss
     */
    public double criticStep(float[] x, double[] returns) {
        return criticStep(x, returns, returns.length);
    }

    /**
     * As {@link #criticStep(float[], double[])} over the first {@code rows} rows of reusable buffers.
     *
     * @param x at least {@code rows × obsDim} observations
     * @param returns at least {@code rows} targets
     * @param rows rows to use
     * @return the loss
     */
    double criticStep(float[] x, double[] returns, int rows) {
        int layers = vfW.length;
        if (hs == null || bufRows != rows) {
            hs = new float[layers][];
            dhs = new float[layers][];
            for (int l = 0; l < layers; l++) {
                hs[l] = new float[rows * vfW[l].size(0)];
                dhs[l] = new float[rows * vfW[l].size(0)];
            }
            vBuf = new float[rows];
            ones = new float[rows];
            java.util.Arrays.fill(ones, 1f);
            bufRows = rows;
        }
        try (NoGrad ignored = NoGrad.enter()) {
            float[][] wv = new float[layers + 1][];
            float[] h = x;
            int in = obsDim;
            for (int l = 0; l < layers; l++) {
                wv[l] = vfW[l].toFloatArray();
                int out = vfW[l].size(0);
                Blas.sgemm(false, true, rows, out, in, h, 0, in, wv[l], 0, in, hs[l], 0, out);
                MlpPolicyWeights.biasActivate(hs[l], rows, vfB[l].toFloatArray(), true, tanh);
                h = hs[l];
                in = out;
            }
            wv[layers] = valW.toFloatArray();
            float[] v = vBuf;
            Blas.sgemm(false, true, rows, 1, in, h, 0, in, wv[layers], 0, in, v, 0, 1);
            float vb = valB.toFloatArray()[0];
            float[] dz = new float[rows];
            double loss = 0;
            for (int i = 0; i < rows; i++) {
                double d = returns[i] - (v[i] + vb);
                loss += d * d;
                dz[i] = (float) (-2 * d / rows);
            }
            Tensor wOut = valW;
            Tensor bOut = valB;
            for (int l = layers; l >= 0; l--) {
                float[] hIn = l == 0 ? x : hs[l - 1];
                int out = wOut.size(0);
                int inDim = wOut.size(1);
                float[] dw = new float[out * inDim];
                Blas.sgemm(true, false, out, inDim, rows, dz, 0, out, hIn, 0, inDim, dw, 0, inDim);
                wOut.setGrad(Tensor.of(dw, out, inDim));
                // Bias gradient = 1ᵀ·dz as a product: a loop over 64-wide rows does not vectorise.
                float[] db = new float[out];
                Blas.sgemm(false, false, 1, out, rows, ones, 0, rows, dz, 0, out, db, 0, out);
                bOut.setGrad(Tensor.of(db, out));
                if (l == 0) {
                    break;
                }
                float[] dh = dhs[l - 1];
                Blas.sgemm(false, false, rows, inDim, out, dz, 0, out, wv[l], 0, inDim, dh, 0, inDim);
                MlpPolicyWeights.activationBackward(dh, hIn, rows * inDim, tanh);
                dz = dh;
                wOut = vfW[l - 1];
                bOut = vfB[l - 1];
            }
            return loss / rows;
        }
    }
}
