package dev.heed.rl.trpo.internal;

import dev.heed.core.Blas;
import dev.heed.core.NoGrad;
import dev.heed.core.Tensor;
import dev.heed.rl.MlpPolicyWeights;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Exact Fisher-vector products for an SB3-style MLP actor without a tape: {@code F v = Jᵀ M J v / N
 * + damping·v}, where {@code J} is the Jacobian of the action-head outputs with respect to the actor
 * parameters (one block of rows per state) and {@code M} the Hessian of KL(π_old ‖ π) in the head
 * outputs at π = π_old:
 * <ul>
 *   <li>categorical (logits {@code l}, probabilities {@code p}): {@code M = diag(p) − p pᵀ};
 *   <li>diagonal Gaussian (means {@code μ}, state-independent {@code log σ}): {@code M = Σ⁻¹} on the
 *       means, and the log-σ block of {@code F} is {@code 2 I} (the mean-log-σ cross terms vanish at
 *       π = π_old).
 * </ul>
 * {@code J v} is a forward-mode pass (R-operator) through the MLP and {@code Jᵀ(·)} a reverse pass,
 * both over activations cached at construction, so one product costs four matrix products per
 * hidden layer. At θ = θ_old this equals the Hessian of the mean KL that {@link FisherVectorProduct}
 * computes by double backprop (the second-order network terms are multiplied by the KL gradient
 * in the outputs, which is zero there).
 *
 * <p>Works in the policy's dtype: FLOAT64 with tensor ops, FLOAT32 on cached arrays through
 * {@link Blas} without allocating per product. Not thread-safe; the parameters must not
 * change while the products are used.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class MlpFisher implements ConjugateGradient.Operator {

    private final MlpPolicyWeights w;
    private final FlatParams flat;
    private final double damping;
    private final int n;
    /** Layer inputs: {@code h[0]} the observations, {@code h[l]} the output of hidden layer l. */
    private final Tensor[] h;
    /** Activation derivatives of the hidden layers at their pre-activations. */
    private final Tensor[] d;
    /** Categorical: probabilities {@code [N, A]}; Gaussian: null. */
    private final Tensor probs;
    /** Gaussian: {@code 1/σ²} per action dimension; categorical: null. */
    private final Tensor invVar;
    /** Offsets into the flat vector, per tensor in {@link #order}. */
    private final int[] offset;
    /** Index in the flat parameter list, per tensor in {@link #order}. */
    private final int[] slot;
    /** pi weights and biases, then head weight and bias, then log σ (if any). */
    private final Tensor[] order;
    /** Float32 policies: activations as arrays, for the allocation-free products (tensors above unused). */
    private final boolean f32;
    private float[][] h32;
    private float[][] d32;
    private float[] probs32;
    private float[] invVar32;
    private float[][] w32;
    private float[] ones;
    private float[][] dh32;
    private float[][] tmp32;

    /**
     * Runs the actor forward on {@code obs} at the current parameters and caches what the products need.
     *
     * @param w the policy's weights (any floating dtype)
     * @param flat the actor parameters as the flat vector is laid out; must hold exactly the actor's tensors
     * @param obs {@code [N, obsDim]} observations in the policy's dtype
     * @param damping added multiple of the identity, ≥ 0
     * @throws IllegalArgumentException if damping &lt; 0, or the flat parameters are not the actor's
     */
    public MlpFisher(MlpPolicyWeights w, FlatParams flat, Tensor obs, double damping) {
        this.w = Objects.requireNonNull(w, "w");
        this.flat = Objects.requireNonNull(flat, "flat");
        Objects.requireNonNull(obs, "obs");
        if (!(damping >= 0)) {
            throw new IllegalArgumentException("MlpFisher: damping is " + damping + "; expected ≥ 0");
        }
        this.damping = damping;
        int layers = w.piW().length;
        order = new Tensor[2 * layers + 2 + (w.logStd() != null ? 1 : 0)];
        for (int l = 0; l < layers; l++) {
            order[2 * l] = w.piW()[l];
            order[2 * l + 1] = w.piB()[l];
        }
        order[2 * layers] = w.actW();
        order[2 * layers + 1] = w.actB();
        if (w.logStd() != null) {
            order[2 * layers + 2] = w.logStd();
        }
        Map<Tensor, Integer> at = new IdentityHashMap<>();
        List<Tensor> ps = flat.params();
        int[] starts = new int[ps.size()];
        int off = 0;
        for (int i = 0; i < ps.size(); i++) {
            at.put(ps.get(i), i);
            starts[i] = off;
            off += ps.get(i).numel();
        }
        if (ps.size() != order.length) {
            throw new IllegalArgumentException("MlpFisher: the flat vector holds " + ps.size()
                    + " tensors but the actor has " + order.length + "; pass the policy's policyParameters()");
        }
        offset = new int[order.length];
        slot = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            Integer o = at.get(order[i]);
            if (o == null) {
                throw new IllegalArgumentException("MlpFisher: actor parameter " + i + " (shape "
                        + java.util.Arrays.toString(order[i].shape()) + ") is not in the flat vector;"
                        + " pass the policy's policyParameters()");
            }
            slot[i] = o;
            offset[i] = starts[o];
        }
        this.n = obs.size(0);
        f32 = obs.dtype() == dev.heed.core.DType.FLOAT32;
        if (f32) {
            // Plain-Java activations (the same tanh as the fast actor and inference): no Vector API
            // transcendentals, whose bits depend on JIT timing.
            h = null;
            d = null;
            probs = null;
            invVar = null;
            h32 = new float[layers + 1][];
            d32 = new float[layers][];
            w32 = new float[layers + 1][];
            dh32 = new float[layers][];
            tmp32 = new float[layers][];
            h32[0] = obs.toFloatArray();
            int in = obs.size(1);
            for (int l = 0; l < layers; l++) {
                int out = w.piW()[l].size(0);
                w32[l] = w.piW()[l].toFloatArray();
                float[] z = new float[n * out];
                Blas.sgemm(false, true, n, out, in, h32[l], 0, in, w32[l], 0, in, z, 0, out);
                float[] dl = new float[n * out];
                if (w.tanh()) {
                    MlpPolicyWeights.biasActivate(z, n, w.piB()[l].toFloatArray(), true, true);
                    for (int i = 0; i < z.length; i++) {
                        dl[i] = 1f - z[i] * z[i];
                    }
                } else {
                    MlpPolicyWeights.biasActivate(z, n, w.piB()[l].toFloatArray(), false, false);
                    for (int i = 0; i < z.length; i++) {
                        dl[i] = z[i] > 0f ? 1f : 0f;
                        z[i] = Math.max(0f, z[i]);
                    }
                }
                h32[l + 1] = z;
                d32[l] = dl;
                dh32[l] = new float[n * out];
                tmp32[l] = new float[n * out];
                in = out;
            }
            w32[layers] = w.actW().toFloatArray();
            int k = w.actW().size(0);
            if (w.discrete()) {
                float[] logits = new float[n * k];
                Blas.sgemm(false, true, n, k, in, h32[layers], 0, in, w32[layers], 0, in, logits, 0, k);
                MlpPolicyWeights.biasActivate(logits, n, w.actB().toFloatArray(), false, false);
                probs32 = new float[n * k];
                for (int r = 0; r < n; r++) {
                    int o = r * k;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < k; j++) {
                        max = Math.max(max, logits[o + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < k; j++) {
                        sum += Math.exp(logits[o + j] - max);
                    }
                    for (int j = 0; j < k; j++) {
                        probs32[o + j] = (float) (Math.exp(logits[o + j] - max) / sum);
                    }
                }
            } else {
                float[] ls = w.logStd().toFloatArray();
                invVar32 = new float[ls.length];
                for (int j = 0; j < ls.length; j++) {
                    invVar32[j] = (float) Math.exp(-2.0 * ls[j]);
                }
            }
            ones = new float[n];
            java.util.Arrays.fill(ones, 1f);
            return;
        }
        h = new Tensor[layers + 1];
        d = new Tensor[layers];
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor x = obs;
            h[0] = x;
            for (int l = 0; l < layers; l++) {
                Tensor z = x.matmul(w.piW()[l].mT()).add(w.piB()[l]);
                if (w.tanh()) {
                    x = z.tanh();
                    d[l] = x.mul(x).rsub(1.0);
                } else {
                    x = z.relu();
                    d[l] = z.gt(0.0).to(z.dtype());
                }
                h[l + 1] = x;
            }
            Tensor out = x.matmul(w.actW().mT()).add(w.actB());
            if (w.discrete()) {
                probs = out.softmax(-1);
                invVar = null;
            } else {
                probs = null;
                invVar = w.logStd().detach().mul(-2.0).exp();
            }
        }
    }

    /** @return the number of states the products average over */
    public int states() {
        return n;
    }

    @Override
    public double[] apply(double[] v) {
        if (f32) {
            return apply32(v);
        }
        Tensor[] vs = flat.split(v);
        Tensor[] vo = new Tensor[order.length];
        for (int i = 0; i < order.length; i++) {
            vo[i] = vs[slot[i]];
        }
        int layers = w.piW().length;
        double[] out = new double[v.length];
        try (NoGrad ignored = NoGrad.enter()) {
            // Forward mode: dh(l+1) = act'(z) ⊙ (dh(l)·Wᵀ + h(l)·dWᵀ + db), dh(0) = 0.
            Tensor dh = null;
            for (int l = 0; l < layers; l++) {
                Tensor dz = h[l].matmul(vo[2 * l].mT()).add(vo[2 * l + 1]);
                if (dh != null) {
                    dz = dz.add(dh.matmul(w.piW()[l].mT()));
                }
                dh = dz.mul(d[l]);
            }
            Tensor dOut = h[layers].matmul(vo[2 * layers].mT()).add(vo[2 * layers + 1]);
            if (dh != null) {
                dOut = dOut.add(dh.matmul(w.actW().mT()));
            }
            // u = M·(J v) / N
            Tensor u;
            if (probs != null) {
                Tensor pd = probs.mul(dOut);
                u = pd.sub(probs.mul(pd.sum(-1, true)));
            } else {
                u = dOut.mul(invVar);
            }
            u = u.mul(1.0 / n);
            // Reverse mode: Jᵀu.
            put(out, 2 * layers, u.mT().matmul(h[layers]));
            put(out, 2 * layers + 1, u.sum(0));
            Tensor g = u.matmul(w.actW());
            for (int l = layers - 1; l >= 0; l--) {
                Tensor gz = g.mul(d[l]);
                put(out, 2 * l, gz.mT().matmul(h[l]));
                put(out, 2 * l + 1, gz.sum(0));
                if (l > 0) {
                    g = gz.matmul(w.piW()[l]);
                }
            }
        }
        if (w.logStd() != null) {
            int o = offset[2 * layers + 2];
            for (int j = 0; j < w.logStd().numel(); j++) {
                out[o + j] = 2 * v[o + j];
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] += damping * v[i];
        }
        return out;
    }

    /** The float32 product on cached arrays through {@link Blas}: the same steps as the tensor path. */
    private double[] apply32(double[] v) {
        if (v.length != flat.size()) {
            throw new IllegalArgumentException("MlpFisher.apply: vector has length " + v.length + " but the actor has "
                    + flat.size() + " parameters");
        }
        int layers = w.piW().length;
        float[] dh = null;
        int in = h32[0].length / n;
        for (int l = 0; l < layers; l++) {
            int out = w.piW()[l].size(0);
            float[] dz = dh32[l];
            Blas.sgemm(false, true, n, out, in, h32[l], 0, in, part(v, 2 * l), 0, in, dz, 0, out);
            MlpPolicyWeights.biasActivate(dz, n, part(v, 2 * l + 1), false, false);
            if (dh != null) {
                float[] t = tmp32[l];
                Blas.sgemm(false, true, n, out, in, dh, 0, in, w32[l], 0, in, t, 0, out);
                for (int i = 0; i < t.length; i++) {
                    dz[i] += t[i];
                }
            }
            float[] dl = d32[l];
            for (int i = 0; i < dz.length; i++) {
                dz[i] *= dl[i];
            }
            dh = dz;
            in = out;
        }
        int k = w.actW().size(0);
        float[] dOut = new float[n * k];
        Blas.sgemm(false, true, n, k, in, h32[layers], 0, in, part(v, 2 * layers), 0, in, dOut, 0, k);
        MlpPolicyWeights.biasActivate(dOut, n, part(v, 2 * layers + 1), false, false);
        if (dh != null) {
            float[] t = new float[n * k];
            Blas.sgemm(false, true, n, k, in, dh, 0, in, w32[layers], 0, in, t, 0, k);
            for (int i = 0; i < t.length; i++) {
                dOut[i] += t[i];
            }
        }
        // u = M·(J v) / N
        float invN = 1f / n;
        float[] u = dOut;
        if (probs32 != null) {
            for (int r = 0; r < n; r++) {
                int o = r * k;
                float sum = 0f;
                for (int j = 0; j < k; j++) {
                    sum += probs32[o + j] * dOut[o + j];
                }
                for (int j = 0; j < k; j++) {
                    u[o + j] = probs32[o + j] * (dOut[o + j] - sum) * invN;
                }
            }
        } else {
            for (int r = 0; r < n; r++) {
                int o = r * k;
                for (int j = 0; j < k; j++) {
                    u[o + j] = dOut[o + j] * invVar32[j] * invN;
                }
            }
        }
        double[] res = vjp32(u);
        if (w.logStd() != null) {
            int o = offset[2 * layers + 2];
            for (int j = 0; j < w.logStd().numel(); j++) {
                res[o + j] = 2 * v[o + j];
            }
        }
        for (int i = 0; i < res.length; i++) {
            res[i] += damping * v[i];
        }
        return res;
    }

    /**
     * The reverse pass: {@code Jᵀu} for a gradient {@code u [N × headOut]} with respect to the
     * action-head outputs at the cached activations (float32 policies only); log-σ entries are 0.
     *
     * @param u the output gradient, row-major
     * @return the flat parameter gradient
     */
    double[] vjp32(float[] u) {
        if (!f32) {
            throw new IllegalStateException("MlpFisher.vjp32: the policy is not FLOAT32");
        }
        int layers = w.piW().length;
        int k = w.actW().size(0);
        int in = w.actW().size(1);
        double[] res = new double[flat.size()];
        float[] gw = new float[k * in];
        Blas.sgemm(true, false, k, in, n, u, 0, k, h32[layers], 0, in, gw, 0, in);
        put(res, 2 * layers, gw);
        float[] gb = new float[k];
        Blas.sgemm(false, false, 1, k, n, ones, 0, n, u, 0, k, gb, 0, k);
        put(res, 2 * layers + 1, gb);
        float[] g = null;
        if (layers > 0) {
            g = tmp32[layers - 1];
            Blas.sgemm(false, false, n, in, k, u, 0, k, w32[layers], 0, in, g, 0, in);
        }
        for (int l = layers - 1; l >= 0; l--) {
            int out = w.piW()[l].size(0);
            int inL = w.piW()[l].size(1);
            float[] dl = d32[l];
            for (int i = 0; i < g.length; i++) {
                g[i] *= dl[i];
            }
            float[] gwl = new float[out * inL];
            Blas.sgemm(true, false, out, inL, n, g, 0, out, h32[l], 0, inL, gwl, 0, inL);
            put(res, 2 * l, gwl);
            float[] gbl = new float[out];
            Blas.sgemm(false, false, 1, out, n, ones, 0, n, g, 0, out, gbl, 0, out);
            put(res, 2 * l + 1, gbl);
            if (l > 0) {
                float[] next = tmp32[l - 1];
                Blas.sgemm(false, false, n, inL, out, g, 0, out, w32[l], 0, inL, next, 0, inL);
                g = next;
            }
        }
        return res;
    }

    /** @return the flat-vector offset of log σ, or -1 for a categorical head */
    int logStdOffset() {
        return w.logStd() == null ? -1 : offset[offset.length - 1];
    }

    /**
     * The actor's action-head outputs (logits or means) at the current parameters, float32, computed
     * exactly as the cached activations are (plain-Java tanh, products through {@link Blas}).
     *
     * @param w the weights (FLOAT32)
     * @param x {@code [n × obsDim]} observations
     * @param n rows
     * @return {@code [n × headOut]}
     */
    static float[] headOutputs(MlpPolicyWeights w, float[] x, int n) {
        float[] h = x;
        int in = w.obsDim();
        for (int l = 0; l < w.piW().length; l++) {
            int out = w.piW()[l].size(0);
            float[] z = new float[n * out];
            Blas.sgemm(false, true, n, out, in, h, 0, in, w.piW()[l].toFloatArray(), 0, in, z, 0, out);
            MlpPolicyWeights.biasActivate(z, n, w.piB()[l].toFloatArray(), true, w.tanh());
            h = z;
            in = out;
        }
        int k = w.actW().size(0);
        float[] o = new float[n * k];
        Blas.sgemm(false, true, n, k, in, h, 0, in, w.actW().toFloatArray(), 0, in, o, 0, k);
        MlpPolicyWeights.biasActivate(o, n, w.actB().toFloatArray(), false, false);
        return o;
    }

    /** The block of {@code v} for {@link #order} entry {@code param}, as floats. */
    private float[] part(double[] v, int param) {
        int len = order[param].numel();
        int o = offset[param];
        float[] p = new float[len];
        for (int i = 0; i < len; i++) {
            p[i] = (float) v[o + i];
        }
        return p;
    }

    private void put(double[] out, int param, float[] value) {
        int o = offset[param];
        for (int i = 0; i < value.length; i++) {
            out[o + i] = value[i];
        }
    }

    private void put(double[] out, int param, Tensor value) {
        double[] a = value.toDoubleArray();
        System.arraycopy(a, 0, out, offset[param], a.length);
    }
}
