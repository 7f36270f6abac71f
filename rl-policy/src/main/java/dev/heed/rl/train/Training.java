package dev.heed.rl.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * One-call entry points for training (what the {@code heed} command calls).
 *
 * <pre>{@code
 * TrainSummary s = Training.run("a2c", "CartPole-v1", Map.of("seed", "1", "evalFreq", "10000",
 *         "stopReward", "475", "outputDir", "runs/a2c-cartpole"));
 * }</pre>
 *
 * <p>Each call discovers the optimizers with {@link PolicyOptimizers#load()}, builds a
 * {@link Trainer}, runs it to the end and closes it.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Training {

    private Training() {}

    /**
     * @param config a resolved configuration
     * @return the summary
     */
    public static TrainSummary run(TrainConfig config) {
        return run(config, PolicyOptimizers.load());
    }

    /**
     * @param config a resolved configuration
     * @param optimizers where to find the algorithm
     * @return the summary
     */
    public static TrainSummary run(TrainConfig config, PolicyOptimizers optimizers) {
        try (Trainer t = Trainer.create(config, optimizers)) {
            return t.run();
        }
    }

    /**
     * Resolves defaults, the preset for (algorithm, env) and {@code overrides}, then trains.
     *
     * @param algorithm e.g. {@code a2c}
     * @param env e.g. {@code CartPole-v1}
     * @param overrides {@code key=value} settings (see {@link TrainConfig})
     * @return the summary
     */
    public static TrainSummary run(String algorithm, String env, Map<String, String> overrides) {
        PolicyOptimizers optimizers = PolicyOptimizers.load();
        return run(optimizers.config(algorithm, env, overrides), optimizers);
    }

    /**
     * Continues a checkpointed run to its end.
     *
     * @param checkpointDir a directory written by {@link Trainer#saveCheckpoint}
     * @param overrides settings to change (e.g. {@code nTimesteps})
     * @return the summary of the whole run
     * @throws IOException if the checkpoint cannot be read
     */
    public static TrainSummary resume(Path checkpointDir, Map<String, String> overrides) throws IOException {
        try (Trainer t = Trainer.resume(checkpointDir, PolicyOptimizers.load(), overrides)) {
            return t.run();
        }
    }
}
