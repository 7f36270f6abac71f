package dev.heed.core.optim;

import dev.heed.core.Tensor;
import java.util.Collection;
import java.util.List;
import org.apiguardian.api.API;

/**
 * AdamW (Loshchilov and Hutter 2019) as {@code torch.optim.AdamW}: decoupled weight decay
 * {@code p = p * (1 - lr * wd)} applied before the {@link Adam} step (which then has no L2 term).
 * Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 1e-2.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class AdamW extends Adam {

    /** @return AdamW's defaults (Adam's plus weight decay 1e-2) */
    public static Config config() {
        return Adam.config().weightDecay(1e-2);
    }

    /**
     * @param params the parameters (one group)
     * @param lr learning rate; everything else default (weight decay 1e-2)
     */
    public AdamW(Collection<Tensor> params, double lr) {
        this(List.of(ParamGroup.of(params)), config().lr(lr));
    }

    /**
     * @param params the parameters (one group)
     * @param config hyperparameters (start from {@link #config()})
     */
    public AdamW(Collection<Tensor> params, Config config) {
        this(List.of(ParamGroup.of(params)), config);
    }

    /**
     * @param groups parameter groups, e.g. {@link ParamGroup#decayMatricesOnly}
     * @param config hyperparameters (start from {@link #config()})
     */
    public AdamW(List<ParamGroup> groups, Config config) {
        super(groups, config, true);
    }
}
