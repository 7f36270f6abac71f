package dev.heed.rl.sweep;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The outcome of one run of a sweep.
 *
 * @param key which run
 * @param status what happened
 * @param evalReturnMean mean return of the final deterministic evaluation (NaN if failed)
 * @param evalReturnStd its standard deviation over episodes (NaN if failed)
 * @param steps env steps trained (0 if failed)
 * @param wallSeconds training wall-clock time (NaN if failed)
 * @param error the failure message, or null
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record RunResult(RunKey key, Status status, double evalReturnMean, double evalReturnStd, long steps,
                        double wallSeconds, String error) {

    /** What happened to a run. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public enum Status {
        /** Trained in this sweep invocation. */
        TRAINED,
        /** Already complete (its summary.json existed); not retrained. */
        SKIPPED,
        /** Failed on every attempt; its directory holds no summary. */
        FAILED
    }

    /** Checks the fields. */
    public RunResult {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(status, "status");
    }

    /** @return true unless failed */
    public boolean ok() {
        return status != Status.FAILED;
    }
}
