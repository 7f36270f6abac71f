package dev.heed.rl.trpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.rl.train.PolicyOptimizers;
import dev.heed.rl.train.TrainConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The provider is found by ServiceLoader and its zoo presets resolve through the trainer. */
class TrpoProviderTest {

    @Test
    void registeredAndPresetsResolve() {
        PolicyOptimizers all = PolicyOptimizers.load();
        assertTrue(all.names().contains("trpo"), all.names().toString());
        TrainConfig c = all.config("trpo", "CartPole-v1", Map.of());
        assertEquals(2, c.nEnvs());
        assertEquals(512, c.optimizerOptions().getInt("nSteps"));
        assertEquals(512, c.optimizerOptions().getInt("batchSize"));
        assertEquals(1e-3, c.optimizerOptions().getDouble("cgDamping"));
        assertEquals(20, c.optimizerOptions().getInt("nCriticUpdates"));
        assertEquals(0.98, c.optimizerOptions().getDouble("gaeLambda"));
        TrainConfig p = all.config("trpo", "Pendulum-v1", Map.of("targetKl", "0.02"));
        assertEquals(2, p.nEnvs());
        assertEquals(1024, p.optimizerOptions().getInt("nSteps"));
        assertEquals(0.9, p.optimizerOptions().getDouble("gamma"));
        assertEquals(15, p.optimizerOptions().getInt("nCriticUpdates"));
        assertEquals(0.02, p.optimizerOptions().getDouble("targetKl"));
    }
}
