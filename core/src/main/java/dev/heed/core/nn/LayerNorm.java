package dev.heed.core.nn;

import dev.heed.core.Tensor;
import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * Layer normalisation over the trailing {@code normalizedShape} dimensions, like
 * {@code torch.nn.LayerNorm}: {@code (x - mean) / sqrt(var + eps) * weight + bias} with the biased
 * variance. Defaults: eps 1e-5, elementwise affine with weight 1 and bias 0.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class LayerNorm extends UnaryModule {

    private final int[] normalizedShape;
    private final double eps;

    /**
     * @param normalizedShape the trailing dimensions to normalise over (non-empty, positive)
     * @param eps added to the variance (> 0 recommended)
     * @param elementwiseAffine whether to learn a weight and a bias
     */
    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine) {
        if (normalizedShape.length == 0 || Arrays.stream(normalizedShape).anyMatch(s -> s <= 0)) {
            throw new IllegalArgumentException("LayerNorm: normalizedShape must be non-empty and positive, got "
                    + Arrays.toString(normalizedShape));
        }
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("LayerNorm: eps must be >= 0, got " + eps);
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        if (elementwiseAffine) {
            registerParameter("weight", Tensor.ones(normalizedShape));
            registerParameter("bias", Tensor.zeros(normalizedShape));
        }
    }

    /**
     * Affine layer norm over the last dimension with eps 1e-5.
     *
     * @param dim size of the last dimension
     */
    public LayerNorm(int dim) {
        this(new int[] {dim}, 1e-5, true);
    }

    /** @return the scale, or null without elementwise affine */
    public Tensor weight() {
        return paramOrNull("weight");
    }

    /** @return the shift, or null without elementwise affine */
    public Tensor bias() {
        return paramOrNull("bias");
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] xs = x.shape();
        int k = normalizedShape.length;
        if (xs.length < k || !Arrays.equals(Arrays.copyOfRange(xs, xs.length - k, xs.length), normalizedShape)) {
            throw new IllegalArgumentException("LayerNorm: input of shape " + Arrays.toString(xs)
                    + " does not end with the normalized shape " + Arrays.toString(normalizedShape));
        }
        return Functional.layerNorm(x, k, weight(), bias(), eps);
    }

    @Override
    protected String extraRepr() {
        return "LayerNorm(" + Arrays.toString(normalizedShape) + ", eps=" + eps + ", affine=" + (weight() != null) + ")";
    }
}
