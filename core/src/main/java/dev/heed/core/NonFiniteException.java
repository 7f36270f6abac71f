package dev.heed.core;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A NaN or an infinity appeared where Heed checks for one: an op's output or gradient in
 * {@link Anomaly} mode, a loss or gradient norm checked by {@code dev.heed.core.optim.TrainingGuard},
 * or a tensor about to be written by {@code dev.heed.core.checkpoint.Checkpoint#save}.
 *
 * <p>The message names where the value was found (the op, the loss, the parameter or the tensor),
 * the offending value and its position, and the usual fixes. See {@code docs/errors.md}, ids
 * {@code HEED-NUM-*}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class NonFiniteException extends ArithmeticException {

    private static final long serialVersionUID = 1L;

    /** Where a non-finite value was detected. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public enum Phase {
        /** An op's output, checked in {@link Anomaly} mode. */
        FORWARD,
        /** A gradient computed by an op's backward function, checked in {@link Anomaly} mode. */
        BACKWARD,
        /** A loss, gradient norm or parameter checked by the training guard. */
        TRAINING,
        /** A tensor about to be written to a checkpoint. */
        CHECKPOINT
    }

    private final Phase phase;
    private final String source;

    /**
     * @param phase where the value was detected; not null
     * @param source the op, parameter or tensor that holds it, e.g. {@code "log"} or {@code "fc.weight"}; not null
     * @param message the full message; not null
     */
    public NonFiniteException(Phase phase, String source, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.phase = Objects.requireNonNull(phase, "phase");
        this.source = Objects.requireNonNull(source, "source");
    }

    /** @return where the value was detected */
    public Phase phase() {
        return phase;
    }

    /** @return the op (forward/backward), quantity or parameter (training) or tensor (checkpoint) concerned */
    public String source() {
        return source;
    }
}
