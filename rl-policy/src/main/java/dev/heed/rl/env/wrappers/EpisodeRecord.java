package dev.heed.rl.env.wrappers;

import org.apiguardian.api.API;

/**
 * Statistics of one finished episode.
 *
 * @param envIndex the index of the env in a vector env, or 0 for a single env
 * @param episodeReturn the undiscounted sum of rewards
 * @param length the number of steps
 * @param terminated whether the last step terminated (rather than only being truncated)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record EpisodeRecord(int envIndex, double episodeReturn, int length, boolean terminated) {}
