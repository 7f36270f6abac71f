package dev.heed.rl.train;

import org.apiguardian.api.API;

/**
 * The outcome of evaluating a policy for a number of episodes.
 *
 * @param step training env steps when evaluated
 * @param mean mean undiscounted return
 * @param std population standard deviation of the returns
 * @param returns every episode's return
 * @param lengths every episode's length
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record EvalResult(long step, double mean, double std, double[] returns, int[] lengths) {}
