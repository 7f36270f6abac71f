package dev.heed.rl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.NoGrad;
import dev.heed.core.NonFiniteException;
import dev.heed.core.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A diverged policy stops training with a clear error, and nothing non-finite is checkpointed. */
class TrainerGuardTest {

    @TempDir
    Path dir;

    @Test
    void nanWeightsStopTrainingBeforeTheNextCheckpoint() {
        PolicyOptimizers optimizers = PolicyOptimizers.load();
        Map<String, String> m = new HashMap<>(Map.of("nEnvs", "2", "nTimesteps", "200", "seed", "3", "netArch", "8"));
        try (Trainer t = Trainer.create(optimizers.config("a2c", "Pendulum-v1", m), optimizers)) {
            assertTrue(t.iterate());
            t.saveCheckpoint(dir.resolve("good"));
            // Simulate divergence: one weight of the value head becomes NaN.
            Map.Entry<String, Tensor> p = t.policy().namedParameters().entrySet().stream()
                    .filter(e -> e.getKey().startsWith("value_net")).findFirst().orElseThrow();
            try (NoGrad ignored = NoGrad.enter()) {
                p.getValue().fill(Double.NaN);
            }
            NonFiniteException e = assertThrows(NonFiniteException.class, t::iterate);
            assertEquals(NonFiniteException.Phase.TRAINING, e.phase());
            assertTrue(e.getMessage().contains("training stopped") || e.getMessage().contains("do not save"),
                    e.getMessage());
        }
        assertTrue(Files.exists(dir.resolve("good").resolve(Trainer.CHECKPOINT_FILE)));
        assertFalse(Files.exists(dir.resolve("bad")));
    }
}
