package dev.heed.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.cli.rl.RlRuns;
import dev.heed.cli.support.GracefulStop;
import dev.heed.cli.support.Progress;
import dev.heed.rl.train.PolicyOptimizers;
import dev.heed.rl.train.TrainConfig;
import dev.heed.rl.train.Trainer;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apiguardian.api.API;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code heed bench rl}: training throughput (env steps per second, collection and updates included). */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@Command(
        name = "rl",
        mixinStandardHelpOptions = true,
        description = "Training speed: env steps per second including policy inference and updates (preset settings).",
        footer = {"", "Examples:",
            "  heed bench rl --env CartPole-v1 --algo ppo-clip --steps 20000",
            "  heed bench rl --env Pendulum-v1 --algo trpo --steps 20000 --json",
            "", "JSON output: {\"algo\", \"env\", \"steps\", \"wall_seconds\", \"steps_per_second\", \"updates\"}"})
public final class RlBenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--env", required = true, paramLabel = "ID", description = "Env id, e.g. CartPole-v1.")
    String env;

    @Option(names = "--algo", required = true, paramLabel = "NAME", description = "Policy optimizer, e.g. ppo-clip.")
    String algo;

    @Option(names = "--steps", defaultValue = "20000", paramLabel = "N", description = "Env steps (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Settings on top of the preset.")
    List<String> sets;

    @Option(names = "--json", description = "Print JSON on standard output.")
    boolean json;

    /** Creates the command. */
    public RlBenchCommand() {}

    @Override
    public Integer call() throws Exception {
        if (steps < 1) {
            throw new dev.heed.cli.support.UserInputException("--steps " + steps + " is not a number of steps", "use --steps 1 or more");
        }
        PolicyOptimizers optimizers = PolicyOptimizers.load();
        Map<String, String> set = RlRuns.parseSets(sets);
        TrainConfig cfg = RlRuns.resolve(optimizers, new RlRuns.Request(algo, env, seed, null, steps, set));
        RlRuns.Outcome r;
        try (Trainer t = Trainer.create(cfg, optimizers); GracefulStop stop = GracefulStop.none();
             Progress p = Progress.start("bench " + algo + " " + env, steps, spec.commandLine().getErr())) {
            r = RlRuns.run(t, null, 0, 1, stop, (ts, ret) -> p.stepTo(ts));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode n = m.createObjectNode();
            n.put("algo", algo);
            n.put("env", env);
            n.put("steps", r.summary().timesteps());
            n.put("wall_seconds", r.summary().wallSeconds());
            n.put("steps_per_second", r.summary().stepsPerSecond());
            n.put("updates", r.summary().iterations());
            out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(n));
        } else {
            out.println(String.format(Locale.ROOT, "%s on %s: %d env steps, %d updates in %.2f s = %.0f env steps/s "
                    + "(collection and updates)", algo, env, r.summary().timesteps(), r.summary().iterations(),
                    r.summary().wallSeconds(), r.summary().stepsPerSecond()));
        }
        out.flush();
        return 0;
    }
}
