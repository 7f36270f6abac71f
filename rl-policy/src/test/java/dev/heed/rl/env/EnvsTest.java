package dev.heed.rl.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.rl.env.TimeLimit;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvsTest {

    @Test
    void idsAndTimeLimitsAreGymnasiums() {
        assertEquals(List.of("CartPole-v1", "Acrobot-v1", "Pendulum-v1", "MountainCarContinuous-v0"), Envs.ids());
        assertEquals(500, Envs.make("CartPole-v1").maxEpisodeSteps());
        assertEquals(500, Envs.make("Acrobot-v1").maxEpisodeSteps());
        assertEquals(200, Envs.make("Pendulum-v1").maxEpisodeSteps());
        assertEquals(999, Envs.make("MountainCarContinuous-v0").maxEpisodeSteps());
        assertEquals(475.0, Envs.spec("CartPole-v1").rewardThreshold());
        assertTrue(Envs.make("Pendulum-v1").unwrapped() instanceof Pendulum);
    }

    @Test
    void pendulumIsTruncatedExactlyAtStep200() {
        TimeLimit env = Envs.make("Pendulum-v1");
        env.reset(0);
        for (int t = 1; t < 200; t++) {
            Step s = env.step(new double[] {0.0});
            assertFalse(s.truncated() || s.terminated(), "step " + t);
        }
        Step last = env.step(new double[] {0.0});
        assertTrue(last.truncated());
        assertFalse(last.terminated());
        assertThrows(IllegalStateException.class, () -> env.step(new double[] {0.0}));
        env.reset();
        assertFalse(env.step(new double[] {0.0}).truncated());
    }

    @Test
    void unknownIdListsTheIdsAndTheClosestMatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Envs.make("cartpole-v0"));
        assertTrue(e.getMessage().contains("'cartpole-v0'") && e.getMessage().contains("Acrobot-v1, Pendulum-v1")
                && e.getMessage().contains("did you mean CartPole-v1?"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Envs.make("Pendulm-v1")).getMessage()
                .contains("did you mean Pendulum-v1?"));
        assertFalse(assertThrows(IllegalArgumentException.class, () -> Envs.make("Zz")).getMessage()
                .contains("did you mean"));
    }

    @Test
    void builtInsPassTheChecker() {
        for (String id : Envs.ids()) {
            assertEquals(List.of(), EnvChecker.check(() -> Envs.make(id)).stream()
                    .filter(f -> f.severity() == EnvChecker.Severity.ERROR).toList(), id);
        }
    }
}
