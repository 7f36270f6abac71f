package dev.heed.rl.sweep.spi;

import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.PluginProvider;
import dev.heed.rl.sweep.SweepEngine;
import java.util.List;
import org.apiguardian.api.API;

/**
 * A place to run the tasks of a sweep, found by name with {@link java.util.ServiceLoader}: the built-in
 * {@code local} (a thread pool in this JVM) and, from the {@code heed-plugin-spark} artifact, {@code spark}.
 * Register an implementation in {@code META-INF/services/dev.heed.rl.sweep.spi.SweepEngineProvider}.
 *
 * <p>Every engine accepts the options {@link #COMMON_OPTIONS} ({@code threads}, {@code maxAttempts},
 * {@code master}) and ignores those that mean nothing to it; callers pass them all. The engine it creates
 * must keep the {@link SweepEngine} contract: one result per run, failures as results, numbers that depend
 * only on each run's seed and settings.
 *
 * <pre>{@code
 * public final class MyEngineProvider implements SweepEngineProvider {
 *     public String name() { return "my-grid"; }
 *     public String description() { return "runs each sweep task as a job on My Grid"; }
 *     public SweepEngine create(Options o) { return new MyGridEngine(o.getString("master"), o.getInt("maxAttempts")); }
 * }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface SweepEngineProvider extends PluginProvider<SweepEngine> {

    /**
     * {@code threads} (runs at once in one JVM; 0: the available processors), {@code maxAttempts} (attempts per
     * run before it is reported failed) and {@code master} (where to run, engine-specific; empty: the engine's
     * default).
     */
    List<OptionSpec> COMMON_OPTIONS = List.of(
            OptionSpec.ofInt("threads", 0, "runs trained at once in one JVM; 0: the available processors").atLeast(0),
            OptionSpec.ofInt("maxAttempts", 2, "attempts per run before it is reported failed").atLeast(1),
            OptionSpec.ofString("master", "", "where the engine runs (e.g. a Spark master URL); empty: the engine's default"));

    /** @return {@link #COMMON_OPTIONS} */
    @Override
    default List<OptionSpec> options() {
        return COMMON_OPTIONS;
    }
}
