package dev.heed.rl.trpo.internal;

import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import java.util.List;
import org.apiguardian.api.API;

/**
 * TRPO hyperparameters with sb3-contrib's names (camelCase) and defaults.
 *
 * @param learningRate critic Adam step size (1e-3)
 * @param linearLearningRate decay the critic learning rate linearly to 0
 * @param nSteps steps per env per rollout (2048)
 * @param batchSize critic minibatch size (128)
 * @param gamma discount (0.99)
 * @param gaeLambda GAE λ (0.95)
 * @param cgMaxSteps conjugate-gradient iterations (15)
 * @param cgDamping damping added to the Fisher-vector product (0.1)
 * @param lineSearchShrinkingFactor step shrink per line-search trial (0.8)
 * @param lineSearchMaxIter line-search trials (10)
 * @param nCriticUpdates critic epochs per rollout (10)
 * @param normalizeAdvantage normalise advantages over the rollout (true)
 * @param targetKl trust-region radius δ on mean KL(old ‖ new) (0.01)
 * @param subSamplingFactor use every k-th transition for the policy step (1)
 * @param adamEps critic Adam ε (1e-5)
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record TrpoSettings(double learningRate, boolean linearLearningRate, int nSteps, int batchSize, double gamma,
        double gaeLambda, int cgMaxSteps, double cgDamping, double lineSearchShrinkingFactor, int lineSearchMaxIter,
        int nCriticUpdates, boolean normalizeAdvantage, double targetKl, int subSamplingFactor, double adamEps) {

    /** @return the declared options */
    public static List<OptionSpec> options() {
        return List.of(
                OptionSpec.ofDouble("learningRate", 1e-3, "critic Adam learning rate (sb3-contrib learning_rate)").atLeast(0),
                OptionSpec.ofEnum("learningRateSchedule", "constant",
                        "constant, or linear decay to 0 over nTimesteps (SB3 lin_<value>)", List.of("constant", "linear")),
                OptionSpec.ofInt("nSteps", 2048, "steps per environment per rollout (n_steps)").atLeast(1),
                OptionSpec.ofInt("batchSize", 128, "critic minibatch size (batch_size)").atLeast(1),
                OptionSpec.ofDouble("gamma", 0.99, "discount factor").range(0, 1),
                OptionSpec.ofDouble("gaeLambda", 0.95, "GAE lambda (gae_lambda)").range(0, 1),
                OptionSpec.ofInt("cgMaxSteps", 15, "conjugate-gradient iterations (cg_max_steps)").atLeast(1),
                OptionSpec.ofDouble("cgDamping", 0.1, "damping added to the Fisher-vector product (cg_damping)").atLeast(0),
                OptionSpec.ofDouble("lineSearchShrinkingFactor", 0.8,
                        "step shrink factor per line-search trial (line_search_shrinking_factor)").greaterThan(0).atMost(1),
                OptionSpec.ofInt("lineSearchMaxIter", 10, "line-search trials (line_search_max_iter)").atLeast(1),
                OptionSpec.ofInt("nCriticUpdates", 10, "critic epochs per rollout (n_critic_updates)").atLeast(1),
                OptionSpec.ofBoolean("normalizeAdvantage", true, "normalise advantages over the rollout"),
                OptionSpec.ofDouble("targetKl", 0.01, "trust-region radius on the mean KL (target_kl)").greaterThan(0),
                OptionSpec.ofInt("subSamplingFactor", 1, "use every k-th transition for the policy step").atLeast(1),
                OptionSpec.ofDouble("adamEps", 1e-5, "critic Adam epsilon (SB3 uses 1e-5)").atLeast(0));
    }

    /**
     * @param o validated options
     * @return the settings
     */
    public static TrpoSettings from(Options o) {
        return new TrpoSettings(o.getDouble("learningRate"), "linear".equals(o.getString("learningRateSchedule")),
                o.getInt("nSteps"), o.getInt("batchSize"), o.getDouble("gamma"), o.getDouble("gaeLambda"),
                o.getInt("cgMaxSteps"), o.getDouble("cgDamping"), o.getDouble("lineSearchShrinkingFactor"),
                o.getInt("lineSearchMaxIter"), o.getInt("nCriticUpdates"), o.getBoolean("normalizeAdvantage"),
                o.getDouble("targetKl"), o.getInt("subSamplingFactor"), o.getDouble("adamEps"));
    }
}
