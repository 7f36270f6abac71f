package dev.heed.attention;

import dev.heed.core.Tensor;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The result of an attention call.
 *
 * @param output the attended values, e.g. {@code [B, H, Tq, dv]} or {@code [B, Tq, E]} for
 *     multi-head attention
 * @param weights the attention weights (after masking and softmax, before dropout), or null when
 *     they were not requested; per head {@code [B, H, Tq, Tk]} or averaged {@code [B, Tq, Tk]}
 * @param blocked true when the memory-efficient blocked path computed the output
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record AttentionOutput(Tensor output, Tensor weights, boolean blocked) {

    /** Checks that the output is non-null. */
    public AttentionOutput {
        Objects.requireNonNull(output, "output");
    }
}
