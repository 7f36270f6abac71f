package dev.heed.rl;

import dev.heed.core.Rng;
import dev.heed.rl.internal.FusedPolicy;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A frozen copy of an {@link ActorCritic}'s parameters for fast batched inference on Java arrays
 * (no tensors, no graph): what the trainer uses while collecting a rollout, during which the
 * parameters do not change. Take a new one ({@link ActorCritic#inference()}) after every update.
 *
 * <p>Sampling consumes the generator exactly as the policy's {@link dev.heed.rl.distributions.Distribution}
 * does (categorical: one {@code nextDouble} per row; Gaussian: one {@code nextGaussian} per component),
 * row by row. The networks run in float32 (as the tensor path) with a rational tanh
 * approximation (error below 1e-6); values and log-probabilities agree with the tensor path to ~1e-5.
 *
 * <p>Immutable; safe to share between threads if each uses its own generator.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class PolicyInference {

    private final ActorCritic policy;
    private final FusedPolicy fused;

    PolicyInference(ActorCritic policy, FusedPolicy fused) {
        this.policy = policy;
        this.fused = fused;
    }

    private void check(double[][] obs) {
        Objects.requireNonNull(obs, "obs");
        int d = policy.observationDim();
        for (int i = 0; i < obs.length; i++) {
            if (obs[i] == null || obs[i].length != d) {
                throw new IllegalArgumentException("PolicyInference: observation " + i + " has length "
                        + (obs[i] == null ? "null" : obs[i].length) + " but the policy expects " + d);
            }
        }
    }

    /**
     * @param obs {@code [n][obsDim]}
     * @param rng sampling generator
     * @return sampled actions, env actions, values, log-probabilities
     */
    public PolicyStep act(double[][] obs, Rng rng) {
        Objects.requireNonNull(rng, "rng");
        return step(obs, rng, false);
    }

    private PolicyStep step(double[][] obs, Rng rng, boolean deterministic) {
        check(obs);
        int n = obs.length;
        double[][] actions = new double[n][policy.actionDim()];
        double[] values = new double[n];
        double[] logProbs = new double[n];
        fused.act(obs, rng, deterministic, actions, values, logProbs);
        return new PolicyStep(actions, policy.toEnvActions(actions), values, logProbs);
    }

    /**
     * @param obs {@code [n][obsDim]}
     * @param deterministic mode instead of a sample
     * @param rng sampling generator; may be null when deterministic
     * @return the full step (use {@link PolicyStep#envActions()} for the env)
     */
    public PolicyStep predict(double[][] obs, boolean deterministic, Rng rng) {
        if (!deterministic) {
            Objects.requireNonNull(rng, "rng (needed unless deterministic)");
        }
        return step(obs, rng, deterministic);
    }

    /**
     * @param obs {@code [n][obsDim]}
     * @return {@code [n]} values
     */
    public double[] predictValues(double[][] obs) {
        check(obs);
        return fused.values(obs);
    }
}
