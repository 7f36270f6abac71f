package dev.heed.rl.train;

import dev.heed.rl.PolicyConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.spi.InvalidOptionException;
import dev.heed.core.spi.Options;
import dev.heed.rl.spi.PolicyOptimizer;
import dev.heed.rl.spi.PolicyOptimizerProvider;
import dev.heed.rl.spi.RolloutSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyOptimizersTest {

    private final PolicyOptimizers optimizers = PolicyOptimizers.load();

    @Test
    void a2cIsDiscoveredWithSb3Defaults() {
        assertTrue(optimizers.names().contains("a2c"));
        PolicyOptimizerProvider a2c = optimizers.provider("a2c");
        Options o = Options.defaults(a2c);
        assertEquals(7e-4, o.getDouble("learningRate"));
        assertEquals(5, o.getInt("nSteps"));
        assertEquals(0.99, o.getDouble("gamma"));
        assertEquals(1.0, o.getDouble("gaeLambda"));
        assertEquals(0.0, o.getDouble("entCoef"));
        assertEquals(0.5, o.getDouble("vfCoef"));
        assertEquals(0.5, o.getDouble("maxGradNorm"));
        assertEquals(1e-5, o.getDouble("rmsPropEps"));
        assertEquals(0.99, o.getDouble("rmsPropAlpha"));
        PolicyOptimizer opt = a2c.create(o);
        assertEquals(new RolloutSettings(5, 0.99, 1.0), opt.rolloutSettings());
        assertThrows(IllegalStateException.class, opt::stateDict);
    }

    @Test
    void presetsAndOverridesResolve() {
        TrainConfig c = optimizers.config("a2c", "CartPole-v1", Map.of());
        assertEquals(8, c.nEnvs());
        assertEquals(500_000, c.nTimesteps());
        TrainConfig p = optimizers.config("a2c", "Pendulum-v1", Map.of("n_envs", "2", "learning_rate", "lin_1e-3"));
        assertEquals(2, p.nEnvs());
        assertTrue(p.normalize());
        assertEquals(1e-3, p.optimizerOptions().getDouble("learningRate"));
        assertEquals("linear", p.optimizerOptions().getString("learningRateSchedule"));
        assertEquals(-2.0, p.policy().logStdInit());
        assertEquals(false, p.policy().orthoInit());
        TrainConfig round = optimizers.config("a2c", "Pendulum-v1", p.toMap());
        assertEquals(p.toMap(), round.toMap());
        TrainConfig noPreset = optimizers.config("a2c", "Acrobot-v1", Map.of("netArch", "32", "activation", "relu"));
        assertEquals(java.util.List.of(32), noPreset.policy().vfLayers());
        assertEquals(PolicyConfig.Activation.RELU, noPreset.policy().activation());
    }

    @Test
    void badSettingsAreExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> optimizers.config("a2c", "CartPole-v1", Map.of("entCoeff", "0.1")));
        assertTrue(e.getMessage().contains("did you mean 'entCoef'"), e.getMessage());
        InvalidOptionException bad = assertThrows(InvalidOptionException.class,
                () -> optimizers.config("a2c", "CartPole-v1", Map.of("gamma", "1.5")));
        assertTrue(bad.getMessage().contains("gamma"), bad.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> optimizers.config("a3c", "CartPole-v1", Map.of()));
        assertTrue(unknown.getMessage().contains("a2c"), unknown.getMessage());
        IllegalArgumentException stop = assertThrows(IllegalArgumentException.class,
                () -> optimizers.config("a2c", "CartPole-v1", Map.of("stopReward", "475")));
        assertTrue(stop.getMessage().contains("evalFreq"), stop.getMessage());
    }
}
