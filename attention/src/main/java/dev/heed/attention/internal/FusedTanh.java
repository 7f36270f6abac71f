package dev.heed.attention.internal;

import dev.heed.core.CustomOp;
import dev.heed.core.DType;
import dev.heed.core.Tensor;
import org.apiguardian.api.API;

/**
 * {@code tanh} as one op: in float32 from {@link FusedGelu#expNonPositive} as
 * {@code sign(x)·(1 − e)/(1 + e)}, {@code e = exp(−2|x|)} (absolute error below 3e-7, instead of a
 * slow library call per element); in float64 {@code Math.tanh}. The backward {@code g·(1 − y²)} is
 * written with tensor ops over the output, so it is differentiable again (second order).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FusedTanh {

    private FusedTanh() {}

    /**
     * @param x a float tensor
     * @return tanh(x), recorded for autograd when x requires grad
     */
    public static Tensor apply(Tensor x) {
        int n = x.numel();
        Tensor y;
        if (x.dtype() == DType.FLOAT64) {
            double[] v = x.contiguous().toDoubleArray();
            for (int i = 0; i < n; i++) {
                v[i] = Math.tanh(v[i]);
            }
            y = Tensor.of(v, x.shape());
        } else {
            float[] v = x.contiguous().toFloatArray();
            for (int i = 0; i < n; i++) {
                float a = Math.abs(v[i]);
                float e = FusedGelu.expNonPositive(-2f * a);
                v[i] = Math.copySign((1f - e) / (1f + e), v[i]);
            }
            y = Tensor.of(v, x.shape());
        }
        Tensor out = y;
        return CustomOp.record("tanh", out, g -> new Tensor[] {g.mul(out.mul(out).rsub(1.0))}, x);
    }
}
