package dev.heed.cli.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.cli.HeedCommand;
import dev.heed.rl.env.CartPole;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ReplayCommandTest {

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = HeedCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void cartPoleReplayPrintsEveryStepWithFullPrecision() throws Exception {
        Run r = run("rl", "replay", "--env", "CartPole-v1", "--state", "0.01,-0.02,0.03,0.04", "--actions", "1,0",
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("CartPole-v1", j.get("env").asText());
        assertEquals(-0.02, j.get("initial_state").get(1).asDouble(), 0.0);
        assertEquals((double) (float) 0.03, j.get("initial_obs").get(2).asDouble(), 0.0);
        JsonNode s0 = j.get("steps").get(0);
        assertEquals(0, s0.get("t").asInt());
        assertEquals(1, s0.get("action").asInt());
        assertTrue(s0.get("action").isIntegralNumber());
        // Gymnasium's equations evaluated in NumPy for this state and action 1
        double[] gym = {0.009600000000000001, 0.17467919574755525, 0.030799999999999998, -0.2430687179600081};
        for (int i = 0; i < 4; i++) {
            assertEquals(gym[i], s0.get("state").get(i).asDouble(), 1e-15);
        }
        assertEquals(1.0, s0.get("reward").asDouble());
        assertFalse(s0.get("terminated").asBoolean() || s0.get("truncated").asBoolean());
        // the printed doubles round-trip exactly to what the library computes
        CartPole env = new CartPole();
        env.resetToState(new double[] {0.01, -0.02, 0.03, 0.04});
        env.step(1);
        env.step(0);
        JsonNode s1 = j.get("steps").get(1);
        for (int i = 0; i < 4; i++) {
            assertEquals(env.state()[i], s1.get("state").get(i).asDouble(), 0.0);
        }
        assertEquals(2, j.get("steps").size());
    }

    @Test
    void continuousActionsAreArraysAndMayExceedTheBoundsAsInGymnasium() throws Exception {
        Run r = run("rl", "replay", "--env", "MountainCarContinuous-v0", "--state", "0.44,0.02", "--actions", "1.5",
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode s0 = new ObjectMapper().readTree(r.out()).get("steps").get(0);
        assertEquals(1.5, s0.get("action").get(0).asDouble());
        assertEquals(100.0 - 0.1 * 1.5 * 1.5, s0.get("reward").asDouble(), 1e-13);
        assertTrue(s0.get("terminated").asBoolean());
    }

    @Test
    void unknownEnvFailsWithOneClearLine() {
        Run r = run("rl", "replay", "--env", "CartPol-v1", "--state", "0,0,0,0", "--actions", "1", "--json");
        assertNotEquals(0, r.code());
        assertEquals("", r.out());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), err);
        assertTrue(err.contains("unknown env id 'CartPol-v1'") && err.contains("did you mean CartPole-v1?"), err);
    }

    @Test
    void badStateActionsAndStepsAfterTheEnd() {
        Run r = run("rl", "replay", "--env", "Pendulum-v1", "--state", "0.1,0.2,0.3", "--actions", "1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("expected 2 values [theta, theta_dot]"), r.err());
        r = run("rl", "replay", "--env", "Pendulum-v1", "--state", "0.1,abc", "--actions", "1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'abc'"), r.err());
        r = run("rl", "replay", "--env", "CartPole-v1", "--state", "0,0,0,0", "--actions", "2");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("[2.0]"), r.err());
        r = run("rl", "replay", "--env", "CartPole-v1", "--state", "2.45,0,0,0", "--actions", "1,1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("episode ended at step 0"), r.err());
    }

    @Test
    void negativeValuesAreNotMistakenForOptions() throws Exception {
        Run r = run("rl", "replay", "--env", "Pendulum-v1", "--state", "-3.5,0.7", "--actions", "1.3,-0.4", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode s0 = new ObjectMapper().readTree(r.out()).get("steps").get(0);
        // Gymnasium's pendulum.py evaluated in NumPy for this state and torque 1.3
        assertEquals(-3.4420956289616393, s0.get("state").get(0).asDouble(), 1e-15);
        assertEquals(1.158087420767215, s0.get("state").get(1).asDouble(), 1e-15);
        assertEquals(-7.796810454100328, s0.get("reward").asDouble(), 1e-14);
    }

    @Test
    void tableOutput() {
        Run r = run("rl", "replay", "--env", "Acrobot-v1", "--state", "0,0,0,0", "--actions", "0,1,2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("env Acrobot-v1"), r.out());
        assertEquals(6, r.out().strip().split("\n").length, r.out());
    }
}
