package dev.heed.rl.ppo.internal;

import dev.heed.core.Blas;
import dev.heed.core.NoGrad;
import dev.heed.core.Tensor;
import dev.heed.rl.ActorCritic;
import dev.heed.rl.MlpPolicyWeights;
import org.apiguardian.api.API;

/**
 * A hand-differentiated forward/backward pass over an {@link ActorCritic}'s own parameter tensors,
 * for the PPO update loop: matrix products go through {@link Blas} (the tuned kernels, into reused buffers),
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

    /**
     * Activations of one forward pass, kept for the backward pass. The hidden activations live in
     * buffers that the next forward pass with the same row count and critic flag reuses; {@link #out}
     * and {@link #values} are the caller's to keep.
     */
    public static final class Pass {
        final int rows;
        final float[] x;
        final float[][] piH;
        final float[][] vfH;
        final Buffers owner;
        final long generation;
        /** {@code [rows × headOut]} action-head outputs. */
        public final float[] out;
        /** {@code [rows]} values. */
        public final float[] values;

        Pass(int rows, float[] x, float[][] piH, float[][] vfH, Buffers owner, float[] out, float[] values) {
            this.rows = rows;
            this.x = x;
            this.piH = piH;
            this.vfH = vfH;
            this.owner = owner;
            this.generation = owner.generation;
            this.out = out;
            this.values = values;
        }
    }

    /** Reusable activation and gradient buffers for one row count. */
    static final class Buffers {
        final int rows;
        final float[][] piH;
        final float[][] vfH;
        final float[][] piD;
        final float[][] vfD;
        final float[] ones;
        long generation;

        Buffers(int rows, Tensor[] piW, Tensor[] vfW) {
            this.rows = rows;
            piH = new float[piW.length][];
            piD = new float[piW.length][];
            for (int l = 0; l < piW.length; l++) {
                piH[l] = new float[rows * piW[l].size(0)];
                piD[l] = new float[rows * piW[l].size(0)];
            }
            vfH = new float[vfW.length][];
            vfD = new float[vfW.length][];
            for (int l = 0; l < vfW.length; l++) {
                vfH[l] = new float[rows * vfW[l].size(0)];
                vfD[l] = new float[rows * vfW[l].size(0)];
            }
            ones = new float[rows];
            java.util.Arrays.fill(ones, 1f);
        }
    }

    private Buffers train;
    private Buffers eval;

    private Buffers buffers(int rows, boolean withCritic) {
        Buffers b = withCritic ? train : eval;
        if (b == null || b.rows != rows) {
            b = new Buffers(rows, piW, vfW);
            if (withCritic) {
                train = b;
            } else {
                eval = b;
            }
        }
        b.generation++;
        return b;
    }

    /**
     * Runs the actor (and critic) forward. The returned pass stays valid for {@link #backward}
     * until the next call with the same row count and {@code withCritic}.
     *
     * @param x {@code [rows × obsDim]} observations
     * @param rows number of rows
     * @param withCritic also compute values
     * @return the activations
     */
    public Pass forward(float[] x, int rows, boolean withCritic) {
        Buffers buf = buffers(rows, withCritic);
        float[] in = x;
        int inDim = obsDim;
        for (int l = 0; l < piW.length; l++) {
            linear(in, rows, inDim, piW[l], piB[l], true, buf.piH[l]);
            in = buf.piH[l];
            inDim = piW[l].size(0);
        }
        float[] out = new float[rows * headOut];
        linear(in, rows, inDim, actW, actB, false, out);
        float[] values = null;
        if (withCritic) {
            in = x;
            inDim = obsDim;
            for (int l = 0; l < vfW.length; l++) {
                linear(in, rows, inDim, vfW[l], vfB[l], true, buf.vfH[l]);
                in = buf.vfH[l];
                inDim = vfW[l].size(0);
            }
            values = new float[rows];
            linear(in, rows, inDim, valW, valB, false, values);
        }
        return new Pass(rows, x, buf.piH, withCritic ? buf.vfH : null, buf, out, values);
    }

    /** {@code z = act(x·Wᵀ + b)} into {@code z}, through {@link Blas} (no tensors allocated). */
    private void linear(float[] x, int rows, int in, Tensor w, Tensor b, boolean activate, float[] z) {
        int out = w.size(0);
        Blas.sgemm(false, true, rows, out, in, x, 0, in, w.toFloatArray(), 0, in, z, 0, out);
        MlpPolicyWeights.biasActivate(z, rows, b.toFloatArray(), activate, tanh);
    }

    /**
     * The fused passes' tanh ({@link MlpPolicyWeights#tanh}, the same as policy inference).
     *
     * @param z values, replaced by their tanh
     */
    static void tanhInPlace(float[] z) {
        MlpPolicyWeights.tanhInPlace(z, z.length);
    }

    /**
     * Back-propagates {@code dOut} (loss gradient w.r.t. the action-head outputs), {@code dValues} and
     * {@code dLogStd} and stores the parameter gradients with {@link Tensor#setGrad}.
     *
     * @param p the forward pass
     * @param dOut {@code [rows × headOut]}
     * @param dValues {@code [rows]}, or null when the pass has no critic
     * @param dLogStd {@code [d]}, or null for a categorical head
     * @throws IllegalStateException if a later forward pass has reused the pass's buffers
     */
    public void backward(Pass p, float[] dOut, float[] dValues, float[] dLogStd) {
        if (p.generation != p.owner.generation) {
            throw new IllegalStateException("FusedActorCritic.backward: the pass's activations were overwritten by a"
                    + " later forward pass of " + p.rows + " rows; call backward before the next forward");
        }
        try (NoGrad ignored = NoGrad.enter()) {
            backwardChain(p.rows, p.x, p.piH, p.owner.piD, piW, piB, actW, actB, dOut, p.owner.ones);
            if (dValues != null) {
                backwardChain(p.rows, p.x, p.vfH, p.owner.vfD, vfW, vfB, valW, valB, dValues, p.owner.ones);
            }
            if (logStd != null) {
                logStd.setGrad(Tensor.of(dLogStd, dLogStd.length));
            }
        }
    }

    private void backwardChain(int rows, float[] x, float[][] hs, float[][] ds, Tensor[] ws, Tensor[] bs, Tensor headW,
            Tensor headB, float[] dHead, float[] ones) {
        int L = ws.length;
        float[] dz = dHead;
        Tensor wOut = headW;
        Tensor bOut = headB;
        for (int l = L; l >= 0; l--) {
            float[] hIn = l == 0 ? x : hs[l - 1];
            int out = wOut.size(0);
            int in = wOut.size(1);
            float[] dw = new float[out * in];
            Blas.sgemm(true, false, out, in, rows, dz, 0, out, hIn, 0, in, dw, 0, in);
            wOut.setGrad(Tensor.of(dw, out, in));
            // Bias gradient = 1ᵀ·dz: a product, because a loop over 64-wide rows does not vectorise.
            float[] db = new float[out];
            Blas.sgemm(false, false, 1, out, rows, ones, 0, rows, dz, 0, out, db, 0, out);
            bOut.setGrad(Tensor.of(db, out));
            if (l == 0) {
                break;
            }
            float[] dh = ds[l - 1];
            Blas.sgemm(false, false, rows, in, out, dz, 0, out, wOut.toFloatArray(), 0, in, dh, 0, in);
            MlpPolicyWeights.activationBackward(dh, hIn, rows * in, tanh);
            dz = dh;
            wOut = ws[l - 1];
            bOut = bs[l - 1];
        }
    }
}
