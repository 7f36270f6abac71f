package dev.heed.core.optim;

import dev.heed.core.NonFiniteException;
import dev.heed.core.Tensor;
import dev.heed.core.internal.FiniteScan;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Checks a training loop can call every step so that a NaN or an infinity stops training with a
 * clear message <em>before</em> it reaches the weights, the optimizer state or a checkpoint:
 *
 * <pre>{@code
 * Tensor loss = lossFn(model.forward(x), y);
 * TrainingGuard.checkLoss(step, loss);                                  // before backward
 * loss.backward();
 * double norm = TrainingGuard.checkGradients(step, model.namedParameters()); // before clipping/step
 * GradClip.clipGradNorm(model.parameters(), 0.5);
 * optimizer.step();
 * }</pre>
 *
 * <p>Each check throws {@link NonFiniteException} (phase {@code TRAINING}) naming the step, the
 * quantity (the loss, or the parameter whose gradient is bad, with the count and first position of
 * the bad values) and the usual fixes; the caller should let it propagate so the run stops with the
 * last good checkpoint intact. {@code Checkpoint.save} independently refuses to write non-finite
 * weights. Stateless and thread-safe (the tensors must not be mutated concurrently).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class TrainingGuard {

    private static final String ADVICE = "Usual causes: a learning rate that is too high, exploding gradients"
            + " (clip them with GradClip.clipGradNorm), NaN or infinite values in the inputs or rewards, or log/sqrt/"
            + "division at zero in the loss. Resume from the last checkpoint after fixing it; to find the first op that"
            + " produced the value, rerun the step inside Anomaly.detect().";

    private TrainingGuard() {}

    /**
     * @param step the step number, for the message
     * @param loss a one-element loss tensor; not null
     * @return the loss value
     * @throws NonFiniteException if the loss is NaN or infinite
     * @throws IllegalArgumentException if the loss has more than one element
     */
    public static double checkLoss(long step, Tensor loss) {
        Objects.requireNonNull(loss, "loss");
        if (loss.numel() != 1) {
            throw new IllegalArgumentException("TrainingGuard.checkLoss: the loss has shape "
                    + Arrays.toString(loss.shape()) + "; expected one element (reduce it with mean() or sum())");
        }
        return checkLoss(step, loss.item());
    }

    /**
     * @param step the step number, for the message
     * @param loss the loss value
     * @return {@code loss}
     * @throws NonFiniteException if it is NaN or infinite
     */
    public static double checkLoss(long step, double loss) {
        return checkValue(step, "loss", loss);
    }

    /**
     * Checks any scalar training statistic (e.g. a KL divergence or a value loss).
     *
     * @param step the step number, for the message
     * @param name what the value is, e.g. {@code "approx_kl"}; not null
     * @param value the value
     * @return {@code value}
     * @throws NonFiniteException if it is NaN or infinite
     */
    public static double checkValue(long step, String name, double value) {
        Objects.requireNonNull(name, "name");
        if (!Double.isFinite(value)) {
            throw new NonFiniteException(NonFiniteException.Phase.TRAINING, name, "step " + step + ": the " + name
                    + " is " + value + "; training stopped before the update, so no non-finite value reached the"
                    + " weights and the last checkpoint is still the last good one. " + ADVICE);
        }
        return value;
    }

    /**
     * Checks every gradient and returns their global L2 norm (as {@link GradClip#clipGradNorm}
     * computes it, but without changing anything). Parameters without a gradient are skipped.
     *
     * @param step the step number, for the message
     * @param namedParameters parameters by name, e.g. {@code module.namedParameters()}; not null
     * @return the global gradient norm, finite
     * @throws NonFiniteException naming the first parameter whose gradient holds NaN or infinity, or
     *     if the norm itself overflows
     */
    public static double checkGradients(long step, Map<String, Tensor> namedParameters) {
        Objects.requireNonNull(namedParameters, "namedParameters");
        double sq = 0;
        for (Map.Entry<String, Tensor> e : namedParameters.entrySet()) {
            Tensor g = e.getValue().grad();
            if (g == null) {
                continue;
            }
            FiniteScan.Result r = FiniteScan.scan(g);
            if (!r.allFinite()) {
                throw new NonFiniteException(NonFiniteException.Phase.TRAINING, e.getKey(), "step " + step
                        + ": the gradient of '" + e.getKey() + "' " + Arrays.toString(g.shape()) + " holds "
                        + FiniteScan.describe(g, r) + "; training stopped before the optimizer step, so the weights"
                        + " and the last checkpoint are unchanged. " + ADVICE);
            }
            sq += sumOfSquares(g);
        }
        double norm = Math.sqrt(sq);
        if (!Double.isFinite(norm)) {
            throw new NonFiniteException(NonFiniteException.Phase.TRAINING, "gradient norm", "step " + step
                    + ": every gradient is finite but their global norm overflows (" + norm + "); training stopped"
                    + " before the optimizer step. " + ADVICE);
        }
        return norm;
    }

    /**
     * As {@link #checkGradients(long, Map)} for unnamed parameters (named {@code param[i]} in messages).
     *
     * @param step the step number
     * @param parameters the parameters; not null
     * @return the global gradient norm
     * @throws NonFiniteException as for {@link #checkGradients(long, Map)}
     */
    public static double checkGradients(long step, Collection<Tensor> parameters) {
        return checkGradients(step, indexed(parameters));
    }

    /**
     * Checks the parameter values themselves, e.g. after {@code optimizer.step()} or after loading.
     *
     * @param step the step number
     * @param namedParameters parameters (or any state) by name; not null
     * @throws NonFiniteException naming the first tensor holding NaN or infinity
     */
    public static void checkParameters(long step, Map<String, Tensor> namedParameters) {
        Objects.requireNonNull(namedParameters, "namedParameters");
        for (Map.Entry<String, Tensor> e : namedParameters.entrySet()) {
            FiniteScan.Result r = FiniteScan.scan(e.getValue());
            if (!r.allFinite()) {
                throw new NonFiniteException(NonFiniteException.Phase.TRAINING, e.getKey(), "step " + step
                        + ": parameter '" + e.getKey() + "' " + Arrays.toString(e.getValue().shape()) + " holds "
                        + FiniteScan.describe(e.getValue(), r) + "; do not save or continue from these weights. "
                        + ADVICE);
            }
        }
    }

    private static Map<String, Tensor> indexed(Collection<Tensor> parameters) {
        Objects.requireNonNull(parameters, "parameters");
        Map<String, Tensor> named = new LinkedHashMap<>();
        int i = 0;
        for (Tensor p : parameters) {
            named.put("param[" + i++ + "]", p);
        }
        return named;
    }

    private static double sumOfSquares(Tensor g) {
        double sq = 0;
        for (double x : g.toDoubleArray()) {
            sq += x * x;
        }
        return sq;
    }
}
