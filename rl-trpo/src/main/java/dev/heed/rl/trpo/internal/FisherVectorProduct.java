package dev.heed.rl.trpo.internal;

import dev.heed.core.Autograd;
import dev.heed.core.Tensor;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Exact Fisher-vector products by double backprop: {@code F v = ∇θ[(∇θ KL̄)ᵀ v] + damping·v},
 * where {@code KL̄} is the mean KL(π_old ‖ π_θ) over a batch with the old distribution detached.
 * At θ = θ_old this Hessian equals the Fisher information matrix of the policy.
 *
 * <p>The first-order gradient graph is built once in the constructor and retained, so each
 * product costs one backward pass through it (sb3-contrib does the same).
 *
 * <p>Not thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FisherVectorProduct implements ConjugateGradient.Operator {

    private final FlatParams params;
    private final Tensor[] klGrad;
    private final double damping;
    private int products;

    /**
     * @param meanKl the scalar mean KL(old ‖ θ), built with grad mode on from the parameters
     * @param params the policy parameters the KL depends on
     * @param damping added multiple of the identity, ≥ 0
     * @throws IllegalArgumentException if the KL is not a one-element tensor or damping &lt; 0
     */
    public FisherVectorProduct(Tensor meanKl, FlatParams params, double damping) {
        Objects.requireNonNull(meanKl, "meanKl");
        this.params = Objects.requireNonNull(params, "params");
        if (meanKl.numel() != 1) {
            throw new IllegalArgumentException("FisherVectorProduct: the mean KL has shape "
                    + java.util.Arrays.toString(meanKl.shape()) + "; expected one element (reduce with .mean())");
        }
        if (!(damping >= 0)) {
            throw new IllegalArgumentException("FisherVectorProduct: damping is " + damping + "; expected ≥ 0");
        }
        this.damping = damping;
        Tensor[] inputs = params.params().toArray(new Tensor[0]);
        this.klGrad = Autograd.grad(new Tensor[] {meanKl}, inputs, null, true, true);
    }

    /** @return the gradient of the mean KL at the current parameters (zero at θ = θ_old) */
    public double[] klGradient() {
        return params.concat(klGrad);
    }

    /** @return how many products have been computed */
    public int products() {
        return products;
    }

    @Override
    public double[] apply(double[] v) {
        Tensor[] vs = params.split(v);
        Tensor gv = null;
        for (int i = 0; i < klGrad.length; i++) {
            if (!klGrad[i].requiresGrad()) {
                continue; // the KL does not depend on this parameter at second order
            }
            Tensor term = klGrad[i].mul(vs[i]).sum();
            gv = gv == null ? term : gv.add(term);
        }
        double[] out;
        if (gv == null) {
            out = new double[v.length];
        } else {
            Tensor[] inputs = params.params().toArray(new Tensor[0]);
            Tensor[] hv = Autograd.grad(new Tensor[] {gv}, inputs, null, false, true);
            out = params.concat(hv);
        }
        for (int i = 0; i < out.length; i++) {
            out[i] += damping * v[i];
        }
        products++;
        return out;
    }
}
