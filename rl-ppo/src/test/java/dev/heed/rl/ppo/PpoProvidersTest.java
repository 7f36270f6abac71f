package dev.heed.rl.ppo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.rl.train.PolicyOptimizers;
import dev.heed.rl.train.TrainConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The providers are found by ServiceLoader and their zoo presets resolve through the trainer. */
class PpoProvidersTest {

    @Test
    void registeredAndPresetsResolve() {
        PolicyOptimizers all = PolicyOptimizers.load();
        assertTrue(all.names().contains("ppo-clip") && all.names().contains("ppo-kl"), all.names().toString());
        TrainConfig c = all.config("ppo-clip", "CartPole-v1", Map.of());
        assertEquals(8, c.nEnvs());
        assertEquals(100_000, c.nTimesteps());
        assertEquals(32, c.optimizerOptions().getInt("nSteps"));
        assertEquals(256, c.optimizerOptions().getInt("batchSize"));
        assertEquals(20, c.optimizerOptions().getInt("nEpochs"));
        assertEquals(0.98, c.optimizerOptions().getDouble("gamma"));
        assertEquals(0.8, c.optimizerOptions().getDouble("gaeLambda"));
        assertEquals(1e-3, c.optimizerOptions().getDouble("learningRate"));
        assertEquals("linear", c.optimizerOptions().getString("learningRateSchedule"));
        assertEquals("linear", c.optimizerOptions().getString("clipRangeSchedule"));
        TrainConfig p = all.config("ppo-clip", "Pendulum-v1", Map.of("learningRate", "lin_3e-4"));
        assertEquals(4, p.nEnvs());
        assertEquals(1024, p.optimizerOptions().getInt("nSteps"));
        assertEquals(0.9, p.optimizerOptions().getDouble("gamma"));
        assertEquals(3e-4, p.optimizerOptions().getDouble("learningRate"));
        assertEquals("linear", p.optimizerOptions().getString("learningRateSchedule"));
        TrainConfig k = all.config("ppo-kl", "CartPole-v1", Map.of("klTarget", "0.02"));
        assertEquals(0.02, k.optimizerOptions().getDouble("klTarget"));
        assertEquals(8, k.nEnvs());
    }
}
