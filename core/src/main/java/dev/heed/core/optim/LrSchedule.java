package dev.heed.core.optim;

import java.util.function.DoubleUnaryOperator;
import org.apiguardian.api.API;

/**
 * A learning rate as a function of the (0-based) optimisation step. Call
 * {@link #apply(Optimizer, long)} before each {@link Optimizer#step()}. Implementations must be
 * pure functions of the step (so resuming from a checkpoint only needs the step counter).
 */
@FunctionalInterface
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface LrSchedule {

    /**
     * @param step the 0-based step about to be taken
     * @return the learning rate for it
     */
    double lr(long step);

    /**
     * Sets every group of {@code optimizer} to {@code lr(step)}.
     *
     * @param optimizer the optimizer
     * @param step the 0-based step about to be taken
     * @return the learning rate set
     */
    default double apply(Optimizer optimizer, long step) {
        double lr = lr(step);
        optimizer.setLr(lr);
        return lr;
    }

    /**
     * @param lr the rate
     * @return a schedule that always returns {@code lr}
     */
    static LrSchedule constant(double lr) {
        Optimizer.checkNonNegative("LrSchedule.constant", "lr", lr);
        return step -> lr;
    }

    /**
     * Stable-Baselines3's {@code get_linear_fn(start, end, end_fraction)}, a function of the
     * progress remaining {@code r} (1 at the start of training, 0 at the end):
     * {@code progress = 1 - r}; the value is {@code end} once {@code progress > endFraction}, else
     * {@code start + progress * (end - start) / endFraction}.
     *
     * @param start value at progress 0
     * @param end value from progress {@code endFraction} on
     * @param endFraction fraction of training over which the value moves, in (0, 1]
     * @return the function of progress remaining
     */
    static DoubleUnaryOperator linearFn(double start, double end, double endFraction) {
        if (!(endFraction > 0 && endFraction <= 1)) {
            throw new IllegalArgumentException("linearFn: endFraction must be in (0, 1], got " + endFraction);
        }
        return remaining -> {
            double progress = 1 - remaining;
            return progress > endFraction ? end : start + progress * (end - start) / endFraction;
        };
    }

    /**
     * Linear decay over steps: {@link #linearFn} with progress remaining
     * {@code 1 - step / totalSteps} (how SB3's PPO feeds its schedules, per timestep or update).
     * {@code linear(lr, 0, 1, total)} is SB3's {@code linear_schedule}.
     *
     * @param start rate at step 0
     * @param end final rate
     * @param endFraction fraction of {@code totalSteps} over which the rate moves, in (0, 1]
     * @param totalSteps the training length in steps (> 0)
     * @return the schedule
     */
    static LrSchedule linear(double start, double end, double endFraction, long totalSteps) {
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("LrSchedule.linear: totalSteps must be > 0, got " + totalSteps);
        }
        DoubleUnaryOperator f = linearFn(start, end, endFraction);
        return step -> f.applyAsDouble(1.0 - (double) step / totalSteps);
    }

    /**
     * nanoGPT's schedule: linear warm-up {@code maxLr * (step + 1) / (warmupSteps + 1)} for
     * {@code step < warmupSteps}; {@code minLr} for {@code step > decaySteps}; in between cosine
     * decay {@code minLr + 0.5 (1 + cos(pi * ratio)) (maxLr - minLr)} with
     * {@code ratio = (step - warmupSteps) / (decaySteps - warmupSteps)}.
     *
     * @param maxLr peak rate
     * @param minLr final rate (nanoGPT: about maxLr / 10)
     * @param warmupSteps warm-up length, >= 0
     * @param decaySteps step at which the decay reaches {@code minLr}, > warmupSteps
     * @return the schedule
     */
    static LrSchedule cosineWithWarmup(double maxLr, double minLr, long warmupSteps, long decaySteps) {
        Optimizer.checkNonNegative("cosineWithWarmup", "maxLr", maxLr);
        Optimizer.checkNonNegative("cosineWithWarmup", "minLr", minLr);
        if (warmupSteps < 0 || decaySteps <= warmupSteps) {
            throw new IllegalArgumentException("cosineWithWarmup: need 0 <= warmupSteps < decaySteps, got warmupSteps="
                    + warmupSteps + ", decaySteps=" + decaySteps);
        }
        return step -> {
            if (step < warmupSteps) {
                return maxLr * (step + 1) / (warmupSteps + 1);
            }
            if (step > decaySteps) {
                return minLr;
            }
            double ratio = (double) (step - warmupSteps) / (decaySteps - warmupSteps);
            return minLr + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (maxLr - minLr);
        };
    }
}
