package dev.heed.rl.sweep.local;

import dev.heed.core.spi.Options;
import dev.heed.rl.sweep.SweepEngine;
import dev.heed.rl.sweep.spi.SweepEngineProvider;
import org.apiguardian.api.API;

/** The built-in {@code local} sweep engine: a {@link LocalEngine} thread pool in this JVM. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class LocalEngineProvider implements SweepEngineProvider {

    /** Creates the provider (ServiceLoader). */
    public LocalEngineProvider() {}

    @Override
    public String name() {
        return "local";
    }

    @Override
    public String description() {
        return "a thread pool in this JVM; threads runs at a time (0: the available processors)";
    }

    /**
     * @param o {@code threads}, {@code maxAttempts}; {@code master} must be empty
     * @throws IllegalArgumentException if a master is given
     */
    @Override
    public SweepEngine create(Options o) {
        if (!o.getString("master").isEmpty()) {
            throw new IllegalArgumentException("sweep engine local: master '" + o.getString("master")
                    + "' needs a distributed engine; use --engine spark with --master, or drop --master");
        }
        int threads = o.getInt("threads");
        return new LocalEngine(threads == 0 ? Runtime.getRuntime().availableProcessors() : threads, o.getInt("maxAttempts"));
    }
}
