package dev.heed.rl;

import org.apiguardian.api.API;

/**
 * What {@link ActorCritic#act} returns for a batch of {@code n} observations.
 *
 * @param actions {@code [n][actionDim]} the sampled actions as the distribution produced them (the
 *     UNCLIPPED Gaussian sample; a class index for discrete spaces): store these, their log-probabilities
 *     refer to them
 * @param envActions {@code [n][actionDim]} the actions to send to the environment (clipped into a Box's
 *     bounds, or rescaled from {@code [−1, 1]} for squashed policies)
 * @param values {@code [n]} the critic's estimates {@code V(s)}
 * @param logProbs {@code [n]} {@code log π(actions | s)}
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record PolicyStep(double[][] actions, double[][] envActions, double[] values, double[] logProbs) {}
