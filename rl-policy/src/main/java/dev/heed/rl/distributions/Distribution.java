package dev.heed.rl.distributions;

import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import org.apiguardian.api.API;

/**
 * A batch of {@code N} action distributions, one per observation, built from network outputs.
 *
 * <p>Every method that returns a tensor computed from the parameters ({@link #logProb},
 * {@link #entropy}, {@link #kl}) is built from differentiable {@link Tensor} ops, so gradients (and
 * second derivatives, as TRPO's Fisher-vector products need) flow back into the network. Samples and
 * modes are data: they never require grad.
 *
 * <p>Actions: {@link #sample} and {@link #mode} return the batch of actions in this distribution's
 * encoding (see each implementation); {@link #logProb} accepts that encoding. Results are {@code [N]}
 * tensors (one value per batch row, summed over action components).
 *
 * <p>Instances are immutable; not tied to a thread, but the underlying graph must be differentiated
 * from one thread at a time.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface Distribution {

    /** @return the batch size {@code N} */
    int batchSize();

    /**
     * Draws one action per row.
     *
     * @param rng the generator; consumed in row-major order, so the same state gives the same actions
     * @return the actions (not differentiable)
     */
    Tensor sample(Rng rng);

    /** @return the most likely action per row (Gaussian: the mean; categorical: the arg-max) */
    Tensor mode();

    /**
     * @param actions a batch of actions in this distribution's encoding, {@code N} rows
     * @return {@code [N]} log-densities (log-probabilities for discrete distributions)
     * @throws IllegalArgumentException if the batch size or action shape does not match, or an
     *     action lies outside the support
     */
    Tensor logProb(Tensor actions);

    /** @return {@code [N]} entropies */
    Tensor entropy();

    /**
     * KL divergence {@code KL(this ‖ other)} per row.
     *
     * @param other a distribution of the same kind and shape (typically the old policy, detached)
     * @return {@code [N]} divergences, differentiable in both arguments' parameters
     * @throws IllegalArgumentException if {@code other} is of another kind or shape
     */
    Tensor kl(Distribution other);

    /** @return the same distribution with parameters detached from the graph (for the "old" policy) */
    Distribution detach();
}
