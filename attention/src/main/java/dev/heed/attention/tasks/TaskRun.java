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
}
