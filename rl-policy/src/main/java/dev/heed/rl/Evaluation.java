package dev.heed.rl;

import dev.heed.core.Tensor;
import dev.heed.rl.distributions.Distribution;
import org.apiguardian.api.API;

/**
 * Differentiable outputs of {@link ActorCritic#evaluate} for a batch of {@code N} observation-action pairs.
 *
 * @param values {@code [N]} critic values {@code V(s)}
 * @param logProbs {@code [N]} {@code log π(a | s)}
 * @param entropy {@code [N]} entropies of {@code π(· | s)}
 * @param distribution the action distributions (for KL terms)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record Evaluation(Tensor values, Tensor logProbs, Tensor entropy, Distribution distribution) {}
