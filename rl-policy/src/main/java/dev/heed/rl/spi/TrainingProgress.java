package dev.heed.rl.spi;

import org.apiguardian.api.API;

/**
 * Where training stands when an update runs, for schedules.
 *
 * @param timesteps env steps collected so far (all envs), including the batch being consumed
 * @param totalTimesteps the planned total
 * @param iteration 1-based number of the update
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record TrainingProgress(long timesteps, long totalTimesteps, long iteration) {

    /**
     * SB3's {@code progress_remaining}: {@code 1 − timesteps / totalTimesteps}, clamped to [0, 1];
     * a linear schedule from {@code v} is {@code v · remaining()}. As in SB3, {@code timesteps}
     * already counts the rollout being consumed, so the first update sees
     * {@code 1 − nSteps·nEnvs / total}.
     *
     * @return the remaining fraction
     */
    public double remaining() {
        if (totalTimesteps <= 0) {
            return 0;
        }
        return Math.max(0, Math.min(1, 1 - (double) timesteps / totalTimesteps));
    }
}
