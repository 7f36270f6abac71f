package dev.heed.core.optim;

import dev.heed.core.Tensor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A set of parameters sharing a learning rate and weight decay within one {@link Optimizer}
 * (PyTorch's {@code param_groups}). Unset values ({@code NaN}) take the optimizer's defaults when
 * the optimizer is built. The learning rate is mutable so that schedules can set it.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class ParamGroup {

    private final List<Tensor> params;
    private double lr = Double.NaN;
    private double weightDecay = Double.NaN;

    private ParamGroup(List<Tensor> params) {
        this.params = List.copyOf(params);
        for (Tensor p : this.params) {
            if (!p.isLeaf() || !p.dtype().isFloating()) {
                throw new IllegalArgumentException("ParamGroup: every parameter must be a FLOAT32/FLOAT64 leaf tensor; got "
                        + p.dtype() + " " + java.util.Arrays.toString(p.shape()) + (p.isLeaf() ? "" : " produced by '"
                        + p.gradFnName() + "'") + "; pass module.parameters()");
            }
        }
    }

    /**
     * @param params the parameters (e.g. {@code module.parameters()})
     * @return a group with the optimizer's default hyperparameters
     */
    public static ParamGroup of(Collection<Tensor> params) {
        return new ParamGroup(new ArrayList<>(Objects.requireNonNull(params, "ParamGroup.of: params")));
    }

    /**
     * nanoGPT's split: tensors of rank >= 2 (matmul weights, embeddings) get {@code weightDecay},
     * the others (biases, LayerNorm scales) none.
     *
     * @param named parameters by name (e.g. {@code module.namedParameters()})
     * @param weightDecay decay for the matrices
     * @return two groups: decayed then not decayed (either may be empty)
     */
    public static List<ParamGroup> decayMatricesOnly(Map<String, Tensor> named, double weightDecay) {
        List<Tensor> decay = new ArrayList<>();
        List<Tensor> noDecay = new ArrayList<>();
        for (Tensor t : named.values()) {
            (t.dim() >= 2 ? decay : noDecay).add(t);
        }
        return List.of(new ParamGroup(decay).weightDecay(weightDecay), new ParamGroup(noDecay).weightDecay(0.0));
    }

    /**
     * @param lr learning rate for this group
     * @return this
     */
    public ParamGroup lr(double lr) {
        if (!(lr >= 0)) {
            throw new IllegalArgumentException("ParamGroup: learning rate must be >= 0, got " + lr);
        }
        this.lr = lr;
        return this;
    }

    /**
     * @param weightDecay weight decay for this group
     * @return this
     */
    public ParamGroup weightDecay(double weightDecay) {
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("ParamGroup: weight decay must be >= 0, got " + weightDecay);
        }
        this.weightDecay = weightDecay;
        return this;
    }

    /** @return the learning rate (NaN until the optimizer fills in its default) */
    public double lr() {
        return lr;
    }

    /** @return the weight decay (NaN until the optimizer fills in its default) */
    public double weightDecay() {
        return weightDecay;
    }

    /** @return the parameters (unmodifiable) */
    public List<Tensor> params() {
        return params;
    }

    void fillDefaults(double defaultLr, double defaultWeightDecay) {
        if (Double.isNaN(lr)) {
            lr(defaultLr);
        }
        if (Double.isNaN(weightDecay)) {
            weightDecay(defaultWeightDecay);
        }
    }
}
