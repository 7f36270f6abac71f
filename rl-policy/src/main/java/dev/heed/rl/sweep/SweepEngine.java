package dev.heed.rl.sweep;

import java.util.List;
import org.apiguardian.api.API;

/**
 * Runs the runs of a sweep, each as an independent task, and collects their results.
 *
 * <p>Contract: every run of {@code runs} yields exactly one {@link RunResult}, in the order given; a run
 * that fails on every one of its attempts yields a {@link RunResult.Status#FAILED} result carrying
 * its error, and the other runs still finish. A run's numbers depend only on its seed and settings,
 * never on the engine or its parallelism. Implementations may hold resources (threads, a Spark
 * context): close them.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface SweepEngine extends AutoCloseable {

    /** @return the engine's name, e.g. {@code local} or {@code spark} */
    String name();

    /**
     * @param spec the sweep (settings and output directory)
     * @param runs the runs to train, a subset of {@code spec.runs()}
     * @return one result per run, in the same order
     */
    List<RunResult> execute(SweepSpec spec, List<RunKey> runs);

    /** Releases the engine's threads or cluster connection. */
    @Override
    void close();
}
