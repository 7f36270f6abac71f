package dev.heed.core.nn;

import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Inverted dropout ({@link Functional#dropout}) in training mode, identity in evaluation mode.
 * The mask comes from the generator given at construction, so runs are reproducible.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Dropout extends UnaryModule {

    private final double p;
    private final Rng rng;

    /**
     * @param p drop probability in [0, 1]
     * @param rng generator for the masks (owned by this module from now on)
     */
    public Dropout(double p, Rng rng) {
        Functional.checkP(p);
        this.p = p;
        this.rng = Objects.requireNonNull(rng, "Dropout: rng");
    }

    /** @return the drop probability */
    public double p() {
        return p;
    }

    @Override
    public Tensor forward(Tensor x) {
        return isTraining() ? Functional.dropout(x, p, rng) : x;
    }

    @Override
    protected String extraRepr() {
        return "Dropout(p=" + p + ")";
    }
}
