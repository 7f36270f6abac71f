package dev.heed.rl.env;

import org.apiguardian.api.API;

/**
 * Registration data of a built-in env, as Gymnasium's {@code EnvSpec}.
 *
 * @param id the id passed to {@link Envs#make(String)}
 * @param maxEpisodeSteps the {@code TimeLimit} applied by {@code make}
 * @param rewardThreshold the return at which the task counts as solved, or NaN if none
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record EnvSpec(String id, int maxEpisodeSteps, double rewardThreshold) {}
