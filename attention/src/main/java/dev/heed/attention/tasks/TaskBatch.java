package dev.heed.attention.tasks;

import dev.heed.core.Tensor;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A batch of a synthetic sequence task in next-token form: the model reads {@code inputs} and
 * must predict {@code targets} at the positions whose weight is 1 (the answer).
 *
 * @param inputs INT64 {@code [B, T]}
 * @param targets INT64 {@code [B, T]}, the next token at each position
 * @param weights {@code B·T} 0/1 flags marking the answer positions
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record TaskBatch(Tensor inputs, Tensor targets, float[] weights) {

    /** Checks the components. */
    public TaskBatch {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(targets, "targets");
        Objects.requireNonNull(weights, "weights");
        weights = weights.clone();
    }

    /** @return a copy of the answer flags */
    @Override
    public float[] weights() {
        return weights.clone();
    }
}
