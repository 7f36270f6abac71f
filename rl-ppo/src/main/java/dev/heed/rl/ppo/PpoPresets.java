package dev.heed.rl.ppo;

import dev.heed.rl.spi.Preset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** rl-baselines3-zoo's tuned PPO settings (hyperparams/ppo.yml), 100k steps each. */
final class PpoPresets {

    static final String ZOO = "rl-baselines3-zoo hyperparams/ppo.yml";

    private PpoPresets() {}

    static Map<String, String> cartPole() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("nEnvs", "8");
        m.put("nTimesteps", "100000");
        m.put("nSteps", "32");
        m.put("batchSize", "256");
        m.put("gaeLambda", "0.8");
        m.put("gamma", "0.98");
        m.put("nEpochs", "20");
        m.put("entCoef", "0.0");
        m.put("learningRate", "0.001");
        m.put("learningRateSchedule", "linear");
        m.put("clipRange", "0.2");
        m.put("clipRangeSchedule", "linear");
        return m;
    }

    static Map<String, String> pendulum() {
        // The zoo adds gSDE (use_sde, sde_sample_freq 4); Heed uses the plain diagonal Gaussian.
        Map<String, String> m = new LinkedHashMap<>();
        m.put("nEnvs", "4");
        m.put("nTimesteps", "100000");
        m.put("nSteps", "1024");
        m.put("gaeLambda", "0.95");
        m.put("gamma", "0.9");
        m.put("nEpochs", "10");
        m.put("entCoef", "0.0");
        m.put("learningRate", "0.001");
        m.put("clipRange", "0.2");
        return m;
    }

    static List<Preset> clip() {
        return List.of(new Preset("ppo-clip", "CartPole-v1", cartPole(), ZOO),
                new Preset("ppo-clip", "Pendulum-v1", pendulum(), ZOO + " (without gSDE)"));
    }

    static List<Preset> kl() {
        // No zoo entry exists for the KL variant: the ppo-clip settings, so the two compare like for like.
        Map<String, String> c = cartPole();
        c.remove("clipRangeSchedule");
        c.remove("clipRange");
        Map<String, String> p = pendulum();
        p.remove("clipRange");
        String src = "ppo-clip's zoo settings (" + ZOO + "); no zoo entry for ppo-kl";
        return List.of(new Preset("ppo-kl", "CartPole-v1", c, src), new Preset("ppo-kl", "Pendulum-v1", p, src));
    }
}
