package dev.heed.rl.ppo.internal;

import dev.heed.core.NoGrad;
import dev.heed.core.Tensor;
import dev.heed.rl.ActorCritic;
import dev.heed.rl.MlpPolicyWeights;
import org.apiguardian.api.API;

/**
 * A hand-differentiated forward/backward pass over an {@link ActorCritic}'s own parameter tensors,
 * for the PPO update loop: matrix products go through {@link Tensor#matmul} (the tuned kernels),
 * while bias, activation and their derivatives are fused loops over {@code float[]}, with the
 * inference tanh ({@link MlpPolicyWeights#tanh}, under 1 ns instead of the ~60 ns of
 * {@link Math#tanh}, a JNI call on JDK 17).
 *
 * <p>Supported: FLOAT32 policies with separate actor and critic MLPs (tanh or relu), a categorical
 * head or a diagonal Gaussian with a state-independent log σ, no squashing — SB3's {@code MlpPolicy}.
 * {@link #supports} says whether a policy qualifies; otherwise PPO uses the autograd path.
 *
 * <p>Not thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FusedActorCritic {

    private final int obsDim;
    private final boolean tanh;
    private final Tensor[] piW;
    private final Tensor[] piB;
    private final Tensor[] vfW;
    private final Tensor[] vfB;
    private final Tensor actW;
    private final Tensor actB;
    private final Tensor valW;
    private final Tensor valB;
    private final Tensor logStd;
    private final int headOut;

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
    public FusedActorCritic(ActorCritic p) {
        MlpPolicyWeights w = MlpPolicyWeights.of(p, "FusedActorCritic");
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
        headOut = actW.size(0);
    }

    /** @return outputs of the action head per row (logits, or means) */
    public int headOut() {
        return headOut;
    }

    /** @return the log-σ parameter, or null for a categorical head */
    public Tensor logStd() {
        return logStd;
    }

    /** Activations of one forward pass, kept for the backward pass. */
    public static final class Pass {
        final int rows;
        final float[] x;
        final float[][] piH;
        final float[][] vfH;
        final Tensor[] piIn;
        final Tensor[] vfIn;
        /** {@code [rows × headOut]} action-head outputs. */
        public final float[] out;
        /** {@code [rows]} values. */
        public final float[] values;

        Pass(int rows, float[] x, float[][] piH, float[][] vfH, Tensor[] piIn, Tensor[] vfIn, float[] out,
                float[] values) {
            this.rows = rows;
            this.x = x;
            this.piH = piH;
            this.vfH = vfH;
            this.piIn = piIn;
            this.vfIn = vfIn;
            this.out = out;
            this.values = values;
        }
    }

    /**
     * @param x {@code [rows × obsDim]} observations
     * @param rows number of rows
     * @param withCritic also compute values
     * @return the activations
     */
    public Pass forward(float[] x, int rows, boolean withCritic) {
        try (NoGrad ignored = NoGrad.enter()) {
            // Layer inputs are kept as tensors so the backward pass reuses them for dW = dZᵀ·H.
            Tensor xt = Tensor.of(x, rows, obsDim);
            float[][] piH = new float[piW.length][];
            Tensor[] piIn = new Tensor[piW.length + 1];
            Tensor in = xt;
            for (int l = 0; l < piW.length; l++) {
                piIn[l] = in;
                piH[l] = linear(in, piW[l], piB[l], true);
                in = Tensor.of(piH[l], rows, piW[l].size(0));
            }
            piIn[piW.length] = in;
            float[] out = linear(in, actW, actB, false);
            float[][] vfH = null;
            Tensor[] vfIn = null;
            float[] values = null;
            if (withCritic) {
                vfH = new float[vfW.length][];
                vfIn = new Tensor[vfW.length + 1];
                in = xt;
                for (int l = 0; l < vfW.length; l++) {
                    vfIn[l] = in;
                    vfH[l] = linear(in, vfW[l], vfB[l], true);
                    in = Tensor.of(vfH[l], rows, vfW[l].size(0));
                }
                vfIn[vfW.length] = in;
                values = linear(in, valW, valB, false);
            }
            return new Pass(rows, x, piH, vfH, piIn, vfIn, out, values);
        }
    }

    private float[] linear(Tensor x, Tensor w, Tensor b, boolean activate) {
        float[] z = x.matmul(w.mT()).toFloatArray();
        MlpPolicyWeights.biasActivate(z, x.size(0), b.toFloatArray(), activate, tanh);
        return z;
    }

    /**
     * The fused passes' tanh ({@link MlpPolicyWeights#tanh}, the same as policy inference).
     *
     * @param z values, replaced by their tanh
     */
    static void tanhInPlace(float[] z) {
        for (int i = 0; i < z.length; i++) {
            z[i] = MlpPolicyWeights.tanh(z[i]);
        }
    }

    /**
     * Back-propagates {@code dOut} (loss gradient w.r.t. the action-head outputs), {@code dValues} and
     * {@code dLogStd} and stores the parameter gradients with {@link Tensor#setGrad}.
     *
     * @param p the forward pass
     * @param dOut {@code [rows × headOut]}
     * @param dValues {@code [rows]}, or null when the pass has no critic
     * @param dLogStd {@code [d]}, or null for a categorical head
     */
    public void backward(Pass p, float[] dOut, float[] dValues, float[] dLogStd) {
        try (NoGrad ignored = NoGrad.enter()) {
            backwardChain(p.rows, p.x, p.piH, p.piIn, piW, piB, actW, actB, dOut);
            if (dValues != null) {
                backwardChain(p.rows, p.x, p.vfH, p.vfIn, vfW, vfB, valW, valB, dValues);
            }
            if (logStd != null) {
                logStd.setGrad(Tensor.of(dLogStd, dLogStd.length));
            }
        }
    }

    private void backwardChain(int rows, float[] x, float[][] hs, Tensor[] ins, Tensor[] ws, Tensor[] bs, Tensor headW,
            Tensor headB, float[] dHead) {
        int L = ws.length;
        float[] dz = dHead;
        Tensor wOut = headW;
        Tensor bOut = headB;
        for (int l = L; l >= 0; l--) {
            float[] hIn = l == 0 ? x : hs[l - 1];
            int out = wOut.size(0);
            Tensor dzT = Tensor.of(dz, rows, out);
            wOut.setGrad(dzT.mT().matmul(ins[l]));
            bOut.setGrad(dzT.sum(0)); // the vector kernel; a loop over 64-wide rows does not vectorise
            if (l == 0) {
                break;
            }
            float[] dh = dzT.matmul(wOut).toFloatArray();
            if (tanh) {
                for (int i = 0; i < dh.length; i++) {
                    dh[i] *= 1f - hIn[i] * hIn[i];
                }
            } else {
                for (int i = 0; i < dh.length; i++) {
                    if (hIn[i] <= 0f) {
                        dh[i] = 0f;
                    }
                }
            }
            dz = dh;
            wOut = ws[l - 1];
            bOut = bs[l - 1];
        }
    }
}
