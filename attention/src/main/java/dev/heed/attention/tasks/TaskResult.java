package dev.heed.attention.tasks;

import org.apiguardian.api.API;

/**
 * What a {@link TaskRun} achieved.
 *
 * @param task task name
 * @param similarity similarity provider name
 * @param positional positional provider name
 * @param tokenAccuracy fraction of answer tokens predicted correctly (greedy, teacher-forced) on
 *     held-out examples
 * @param sequenceAccuracy fraction of held-out examples with every answer token correct (equal to
 *     greedy autoregressive decoding being correct)
 * @param finalLoss mean training loss over the last 10% of steps
 * @param msPerStep median wall-clock milliseconds per training step
 * @param steps steps run
 * @param parameters trainable parameter count
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record TaskResult(String task, String similarity, String positional, double tokenAccuracy, double sequenceAccuracy,
                         double finalLoss, double msPerStep, int steps, long parameters) {
}
