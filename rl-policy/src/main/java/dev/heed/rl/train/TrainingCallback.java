package dev.heed.rl.train;

import java.nio.file.Path;
import org.apiguardian.api.API;

/**
 * Called by the {@link Trainer} after every iteration (collect → update), in registration order.
 * The built-in callbacks come from the {@link TrainConfig} ({@code evalFreq}, {@code stopReward},
 * {@code checkpointFreq}, in that order, before user callbacks) and are also available here.
 *
 * <p>Callbacks run on the training thread. They may evaluate, log or checkpoint through the
 * trainer; to keep a run resumable they must not draw from the trainer's generators.
 */
@FunctionalInterface
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface TrainingCallback {

    /**
     * @param trainer the trainer, after the iteration's update
     * @param previousTimesteps env steps before this iteration (to detect crossed multiples)
     * @return false to stop training after this iteration
     */
    boolean afterIteration(Trainer trainer, long previousTimesteps);

    /**
     * @param every env steps between evaluations, ≥ 1 (evaluates when a multiple is crossed)
     * @param episodes deterministic episodes per evaluation
     * @return a periodic evaluation callback (results go into the metrics row)
     */
    static TrainingCallback evaluateEvery(long every, int episodes) {
        if (every < 1 || episodes < 1) {
            throw new IllegalArgumentException("evaluateEvery: need every >= 1 and episodes >= 1, got " + every + ", "
                    + episodes);
        }
        return (t, prev) -> {
            if (t.timesteps() / every > prev / every) {
                t.recordEvaluation(t.evaluate(episodes, true));
            }
            return true;
        };
    }

    /**
     * @param threshold stop when an evaluation made in this iteration has a mean return ≥ threshold
     * @return a stopping callback (register it after an evaluation callback)
     */
    static TrainingCallback stopAtReward(double threshold) {
        return (t, prev) -> {
            EvalResult e = t.lastEvaluation();
            boolean reached = e != null && e.step() == t.timesteps() && e.mean() >= threshold;
            if (reached) {
                t.markStopped("evaluation mean return " + e.mean() + " >= stopReward " + threshold);
            }
            return !reached;
        };
    }

    /**
     * @param every env steps between checkpoints, ≥ 1
     * @param dir parent directory; checkpoints go to {@code dir/step-<timesteps>}
     * @return a periodic checkpoint callback
     */
    static TrainingCallback checkpointEvery(long every, Path dir) {
        if (every < 1) {
            throw new IllegalArgumentException("checkpointEvery: need every >= 1, got " + every);
        }
        return (t, prev) -> {
            if (t.timesteps() / every > prev / every) {
                t.saveCheckpoint(dir.resolve("step-" + t.timesteps()));
            }
            return true;
        };
    }
}
