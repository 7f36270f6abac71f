package dev.heed.cli.rl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.rl.env.Discrete;
import dev.heed.rl.env.Env;
import dev.heed.rl.env.Envs;
import dev.heed.rl.env.SimulatorEnv;
import dev.heed.rl.env.Space;
import dev.heed.rl.env.Step;
import dev.heed.rl.env.TimeLimit;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apiguardian.api.API;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code heed rl replay}: resets a built-in env to an explicit internal state, applies a list of
 * actions and prints every transition, so the dynamics can be compared step by step with Gymnasium
 * ({@code env.unwrapped.state = ...; env.step(a)}).
 *
 * <p>Box actions outside the bounds are passed to the dynamics as Gymnasium does (clipped inside,
 * MountainCarContinuous penalises the raw value). Exit codes: 0 on success, 2 on bad input (unknown
 * env, malformed numbers, wrong state length, invalid action, actions after the episode ended), with
 * one line on standard error.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {"Reset a built-in env to an explicit state, apply actions, print each step.",
            "Example: heed rl replay --env CartPole-v1 --state 0.01,-0.02,0.03,0.04 --actions 1,0,1 --json"})
public final class ReplayCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--env", required = true, paramLabel = "ID",
            description = "Env id, one of: CartPole-v1, Acrobot-v1, Pendulum-v1, MountainCarContinuous-v0.")
    String envId;

    @Option(names = "--state", required = true, paramLabel = "V1,V2,...",
            description = "Internal state, comma-separated (CartPole: x,x_dot,theta,theta_dot; Acrobot: theta1,theta2,"
                    + "dtheta1,dtheta2; Pendulum: theta,theta_dot; MountainCarContinuous: position,velocity).")
    String state;

    @Option(names = "--actions", required = true, paramLabel = "A1,A2,...",
            description = "Actions, comma-separated: an index for discrete envs, a value for continuous ones.")
    String actions;

    @Option(names = "--json", description = "Print JSON with full double precision instead of a table.")
    boolean json;

    /** Creates the command. */
    public ReplayCommand() {}

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            ObjectNode result = replay();
            if (json) {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
            } else {
                printTable(out, result);
            }
            out.flush();
            return 0;
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("heed rl replay: " + e.getMessage());
            err.flush();
            return 2;
        } catch (JsonProcessingException e) {
            err.println("heed rl replay: could not write JSON: " + e.getOriginalMessage());
            err.flush();
            return 1;
        }
    }

    private ObjectNode replay() {
        TimeLimit env = Envs.make(envId);
        Env raw = env.unwrapped();
        if (raw instanceof SimulatorEnv) {
            ((SimulatorEnv) raw).allowOutOfBoundsActions(true);
        }
        double[] s0 = parse("--state", state);
        double[] acts = parse("--actions", actions);
        Space as = env.actionSpace();
        int d = as.flatDim();
        if (acts.length % d != 0) {
            throw new IllegalArgumentException("--actions: " + env.id() + " takes " + d + " values per action, got "
                    + acts.length + " values");
        }
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("env", env.id());
        double[] obs = env.resetToState(s0);
        root.set("initial_state", array(m, env.state()));
        root.set("initial_obs", array(m, obs));
        ArrayNode steps = root.putArray("steps");
        List<double[]> list = new ArrayList<>();
        for (int i = 0; i < acts.length; i += d) {
            double[] a = new double[d];
            System.arraycopy(acts, i, a, 0, d);
            list.add(a);
        }
        boolean over = false;
        for (int t = 0; t < list.size(); t++) {
            if (over) {
                throw new IllegalArgumentException("--actions: the episode ended at step " + (t - 1) + " but "
                        + (list.size() - t) + " more action(s) follow; drop them or start again from a new --state");
            }
            Step s = env.step(list.get(t));
            ObjectNode n = steps.addObject();
            n.put("t", t);
            if (as instanceof Discrete) {
                n.put("action", (long) list.get(t)[0]);
            } else {
                n.set("action", array(m, list.get(t)));
            }
            n.set("state", array(m, env.state()));
            n.set("obs", array(m, s.observation()));
            n.put("reward", s.reward());
            n.put("terminated", s.terminated());
            n.put("truncated", s.truncated());
            over = s.done();
        }
        return root;
    }

    private static ArrayNode array(ObjectMapper m, double[] v) {
        ArrayNode a = m.createArrayNode();
        for (double x : v) {
            a.add(x);
        }
        return a;
    }

    private static double[] parse(String option, String text) {
        String[] parts = text.trim().isEmpty() ? new String[0] : text.split(",");
        if (parts.length == 0) {
            throw new IllegalArgumentException(option + ": expected comma-separated numbers, got '" + text + "'");
        }
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": '" + parts[i].trim() + "' (item " + (i + 1)
                        + ") is not a number; expected comma-separated numbers such as 0.01,-0.02", e);
            }
        }
        return v;
    }

    private static void printTable(PrintWriter out, ObjectNode r) {
        out.println("env " + r.get("env").asText());
        out.println("initial state " + r.get("initial_state") + "  obs " + r.get("initial_obs"));
        out.println(String.format("%4s  %-10s  %-12s  %-5s  %-5s  %s", "t", "action", "reward", "term", "trunc", "state"));
        for (com.fasterxml.jackson.databind.JsonNode n : r.get("steps")) {
            out.println(String.format("%4d  %-10s  %-12s  %-5s  %-5s  %s", n.get("t").asInt(), n.get("action"),
                    n.get("reward").asText(), n.get("terminated").asBoolean(), n.get("truncated").asBoolean(),
                    n.get("state")));
        }
    }
}
