package dev.heed.plugin.spark;

import dev.heed.core.spi.Options;
import dev.heed.rl.sweep.SweepEngine;
import dev.heed.rl.sweep.spi.SweepEngineProvider;
import org.apiguardian.api.API;

/**
 * The {@code spark} sweep engine ({@code heed rl sweep --engine spark}): a {@link SparkEngine} on the master
 * given by the {@code master} option, else {@code spark.master} (as {@code spark-submit} sets it), else an
 * embedded {@code local[*]}; {@code maxAttempts} becomes {@code spark.task.maxFailures}. The {@code threads}
 * option is ignored: Spark runs one task per executor core (write {@code local[N]} to choose N).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class SparkEngineProvider implements SweepEngineProvider {

    /** Creates the provider (ServiceLoader). */
    public SparkEngineProvider() {}

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public String description() {
        return "Apache Spark: embedded local[*] by default, or a cluster with master spark://host:7077; one task per run";
    }

    @Override
    public SweepEngine create(Options o) {
        String master = o.getString("master");
        return new SparkEngine(master.isEmpty() ? null : master, o.getInt("maxAttempts"));
    }
}
