package dev.heed.attention.tasks;

import dev.heed.attention.model.TransformerConfig;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One training run of a decoder-only model on a synthetic task. The model's {@code vocabSize} and
 * {@code contextLength} are set from the task.
 *
 * @param task the task
 * @param model the model configuration (similarity, positional, widths, depth)
 * @param steps optimisation steps (≥ 1)
 * @param batch examples per step (≥ 1)
 * @param lr AdamW learning rate, linearly warmed up over the first 10% of steps
 * @param seed seeds the model, the data and the evaluation set
 * @param evalExamples held-out examples for the accuracy (≥ 1)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record TaskRun(SyntheticTask task, TransformerConfig model, int steps, int batch, double lr, long seed,
                      int evalExamples) {

    /** Validates the values. */
    public TaskRun {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(model, "model");
        if (steps < 1 || batch < 1 || evalExamples < 1 || !(lr > 0)) {
            throw new IllegalArgumentException("TaskRun: steps (" + steps + "), batch (" + batch + ") and evalExamples ("
                    + evalExamples + ") must be >= 1 and lr (" + lr + ") > 0");
        }
    }

    /**
     * A small, fast run for demos and comparisons (a few seconds on two cores): a 1-layer,
     * 32-wide, 2-head model, sequences of 5 symbols out of 8, 300 steps of 32 examples, learning
     * rate 1e-2, 256 held-out examples.
     *
     * @param task task name, one of {@link SyntheticTask#NAMES}
     * @param similarity similarity provider name
     * @param positional positional provider name (e.g. {@code "learned"})
     * @param seed seed
     * @return the run
     */
    public static TaskRun quick(String task, String similarity, String positional, long seed) {
        return new TaskRun(SyntheticTask.of(task, 5, 8), TransformerConfig.builder().dModel(32).heads(2).layers(1)
                .similarity(similarity).positional(positional).build(), 300, 32, 1e-2, seed, 256);
    }
}
