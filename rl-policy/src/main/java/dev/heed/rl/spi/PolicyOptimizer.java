package dev.heed.rl.spi;

import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.rl.ActorCritic;
import dev.heed.rl.RolloutBatch;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * A policy-gradient update rule (A2C, PPO, TRPO, …): consumes a {@link RolloutBatch} and updates the
 * actor and critic of an {@link ActorCritic}, created by a {@link PolicyOptimizerProvider}.
 *
 * <p>Life cycle, driven by the trainer:
 * <ol>
 *   <li>{@code provider.create(options)} — configured, not yet bound;
 *   <li>{@link #rolloutSettings()} tells the trainer how to collect;
 *   <li>{@link #attach(ActorCritic, Rng)} once, binding the policy whose parameters it updates (build
 *       inner optimizers such as Adam here);
 *   <li>{@link #update} once per rollout; returns statistics;
 *   <li>{@link #stateDict()} / {@link #loadStateDict(Map)} around checkpoints (after {@code attach}).
 * </ol>
 *
 * <p>Randomness (minibatch shuffles) must come only from the {@code Rng} given to {@code attach}; the
 * trainer owns it and saves its state with checkpoints, so a resumed run continues exactly. Updates
 * must be deterministic for a given policy, batch and generator state.
 *
 * <p>Statistics use SB3's names where they exist: {@code policy_loss}, {@code value_loss},
 * {@code entropy_loss} (minus the mean entropy), {@code entropy}, {@code approx_kl}, {@code clip_fraction},
 * {@code explained_variance}, {@code learning_rate}, {@code n_updates}, … Iteration order is the
 * column order of the metrics CSV, so use a {@link java.util.LinkedHashMap}.
 *
 * <p>Not thread-safe: the trainer calls it from one thread.
 *
 * <pre>{@code
 * PolicyOptimizer opt = registry.get("a2c").create(Options.defaults(provider));
 * opt.attach(policy, rng.child(1));
 * Map<String, Double> stats = opt.update(buffer.batch(), progress);
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface PolicyOptimizer {

    /** @return collection settings (from the options {@code nSteps}, {@code gamma}, {@code gaeLambda}) */
    RolloutSettings rolloutSettings();

    /**
     * Binds the policy. Called exactly once, before the first update.
     *
     * @param policy the policy whose parameters {@link #update} changes in place
     * @param rng the optimizer's generator (owned and checkpointed by the caller)
     * @throws IllegalStateException if already attached
     * @throws IllegalArgumentException if the policy is unsuitable (e.g. an action space the
     *     algorithm does not support)
     */
    void attach(ActorCritic policy, Rng rng);

    /**
     * Updates the policy (and critic) from one rollout.
     *
     * @param batch the rollout, advantages computed, not normalised
     * @param progress for schedules
     * @return named statistics of this update, insertion-ordered
     * @throws IllegalStateException if not attached
     */
    Map<String, Double> update(RolloutBatch batch, TrainingProgress progress);

    /**
     * The optimizer's own state (e.g. Adam or RMSprop moments, step counters) as named tensors, for
     * safetensors checkpoints. Policy parameters are saved by the trainer, not here.
     *
     * @return name to tensor (values copied or safe to read until the next update); empty if stateless
     */
    Map<String, Tensor> stateDict();

    /**
     * Restores {@link #stateDict()} output after {@link #attach}.
     *
     * @param state as saved
     * @throws IllegalArgumentException if names or shapes do not match this optimizer's state
     */
    void loadStateDict(Map<String, Tensor> state);
}
