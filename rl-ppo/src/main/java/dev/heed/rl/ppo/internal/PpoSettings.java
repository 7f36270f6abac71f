package dev.heed.rl.ppo.internal;

import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;

/**
 * PPO hyperparameters with Stable-Baselines3's names (camelCase) and defaults, plus the
 * adaptive-KL options of {@code ppo-kl}.
 *
 * @param learningRate Adam step size (SB3 {@code learning_rate}, 3e-4)
 * @param linearLearningRate decay the learning rate linearly to 0 over training (SB3 {@code lin_…})
 * @param nSteps steps per env per rollout (2048)
 * @param batchSize minibatch size (64)
 * @param nEpochs passes over the rollout (10)
 * @param gamma discount (0.99)
 * @param gaeLambda GAE λ (0.95)
 * @param clipRange ε of the clipped surrogate (0.2)
 * @param linearClipRange decay ε linearly to 0 over training
 * @param clipRangeVf value clipping around the old values; 0 disables it (SB3 {@code None})
 * @param normalizeAdvantage normalise advantages per minibatch (true)
 * @param entCoef entropy bonus coefficient (0)
 * @param vfCoef value-loss coefficient (0.5)
 * @param maxGradNorm global gradient-norm clip (0.5)
 * @param targetKl stop the epoch loop when approx KL &gt; 1.5·targetKl; 0 disables it (SB3 {@code None})
 * @param adamEps Adam's ε (1e-5, SB3's policy optimizer)
 * @param klTarget ppo-kl's d_targ (0.01)
 * @param klBeta ppo-kl's initial β (1.0)
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record PpoSettings(double learningRate, boolean linearLearningRate, int nSteps, int batchSize, int nEpochs,
        double gamma, double gaeLambda, double clipRange, boolean linearClipRange, double clipRangeVf,
        boolean normalizeAdvantage, double entCoef, double vfCoef, double maxGradNorm, double targetKl,
        double adamEps, double klTarget, double klBeta) {

    private static final List<String> SCHEDULES = List.of("constant", "linear");

    /**
     * @param withKl include {@code klTarget} and {@code klBeta} (ppo-kl)
     * @return the declared options
     */
    public static List<OptionSpec> options(boolean withKl) {
        List<OptionSpec> o = new ArrayList<>();
        o.add(OptionSpec.ofDouble("learningRate", 3e-4, "Adam learning rate (SB3 learning_rate)").atLeast(0));
        o.add(OptionSpec.ofEnum("learningRateSchedule", "constant",
                "constant, or linear decay to 0 over nTimesteps (SB3 lin_<value>)", SCHEDULES));
        o.add(OptionSpec.ofInt("nSteps", 2048, "steps per environment per rollout (SB3 n_steps)").atLeast(1));
        o.add(OptionSpec.ofInt("batchSize", 64, "minibatch size (SB3 batch_size)").atLeast(1));
        o.add(OptionSpec.ofInt("nEpochs", 10, "passes over each rollout (SB3 n_epochs)").atLeast(1));
        o.add(OptionSpec.ofDouble("gamma", 0.99, "discount factor").range(0, 1));
        o.add(OptionSpec.ofDouble("gaeLambda", 0.95, "GAE lambda (SB3 gae_lambda)").range(0, 1));
        o.add(OptionSpec.ofDouble("clipRange", 0.2, "surrogate clipping epsilon (SB3 clip_range)").greaterThan(0));
        o.add(OptionSpec.ofEnum("clipRangeSchedule", "constant",
                "constant, or linear decay to 0 over nTimesteps (SB3 lin_<value>)", SCHEDULES));
        o.add(OptionSpec.ofDouble("clipRangeVf", 0.0,
                "clip the value prediction to old value +- this; 0 disables (SB3 clip_range_vf=None)").atLeast(0));
        o.add(OptionSpec.ofBoolean("normalizeAdvantage", true, "normalise advantages per minibatch"));
        o.add(OptionSpec.ofDouble("entCoef", 0.0, "entropy bonus coefficient (SB3 ent_coef)").atLeast(0));
        o.add(OptionSpec.ofDouble("vfCoef", 0.5, "value loss coefficient (SB3 vf_coef)").atLeast(0));
        o.add(OptionSpec.ofDouble("maxGradNorm", 0.5, "global gradient-norm clip (SB3 max_grad_norm)").greaterThan(0));
        o.add(OptionSpec.ofDouble("targetKl", 0.0,
                "stop the epochs early when approx_kl > 1.5 * targetKl; 0 disables (SB3 target_kl=None)").atLeast(0));
        o.add(OptionSpec.ofDouble("adamEps", 1e-5, "Adam epsilon (SB3 uses 1e-5 for on-policy algorithms)").atLeast(0));
        if (withKl) {
            o.add(OptionSpec.ofDouble("klTarget", 0.01, "target mean KL d_targ of the adaptive penalty").greaterThan(0));
            o.add(OptionSpec.ofDouble("klBeta", 1.0, "initial KL penalty coefficient beta").greaterThan(0));
        }
        return List.copyOf(o);
    }

    /**
     * @param o validated options
     * @param withKl whether the KL options are present
     * @return the settings
     */
    public static PpoSettings from(Options o, boolean withKl) {
        return new PpoSettings(o.getDouble("learningRate"), "linear".equals(o.getString("learningRateSchedule")),
                o.getInt("nSteps"), o.getInt("batchSize"), o.getInt("nEpochs"), o.getDouble("gamma"),
                o.getDouble("gaeLambda"), o.getDouble("clipRange"), "linear".equals(o.getString("clipRangeSchedule")),
                o.getDouble("clipRangeVf"), o.getBoolean("normalizeAdvantage"), o.getDouble("entCoef"),
                o.getDouble("vfCoef"), o.getDouble("maxGradNorm"), o.getDouble("targetKl"), o.getDouble("adamEps"),
                withKl ? o.getDouble("klTarget") : 0.01, withKl ? o.getDouble("klBeta") : 1.0);
    }
}
