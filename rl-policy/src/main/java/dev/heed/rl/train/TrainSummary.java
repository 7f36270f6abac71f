package dev.heed.rl.train;

import java.nio.file.Path;
import org.apiguardian.api.API;

/**
 * What a finished (or stopped) training run reports.
 *
 * @param timesteps env steps collected
 * @param iterations updates made
 * @param episodes episodes finished
 * @param wallSeconds training wall-clock time (including evaluations, summed over resumed parts)
 * @param stepsPerSecond {@code timesteps / wallSeconds}
 * @param evalMean mean return of the last evaluation (NaN if none)
 * @param evalStd its standard deviation (NaN if none)
 * @param stoppedEarly true when a callback (e.g. the reward threshold) ended the run
 * @param stopReason why the run ended
 * @param metricsFile the metrics CSV, or null without an output directory
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record TrainSummary(long timesteps, long iterations, long episodes, double wallSeconds, double stepsPerSecond,
        double evalMean, double evalStd, boolean stoppedEarly, String stopReason, Path metricsFile) {}
