package dev.heed.cli.rl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.cli.support.RunDirectory;
import dev.heed.cli.support.UserInputException;
import dev.heed.rl.train.EvalResult;
import dev.heed.rl.train.PolicyOptimizers;
import dev.heed.rl.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apiguardian.api.API;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code heed rl eval}: deterministic evaluation of the policy saved in a training run's checkpoint. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Evaluate a trained policy: deterministic actions (the distribution's mode), fresh seeded envs.",
        footer = {"", "Examples:",
            "  heed rl eval --run runs/ppo-cartpole",
            "  heed rl eval --run runs/ppo-cartpole --episodes 100 --json",
            "", "JSON output: {\"algo\", \"env\", \"step\", \"episodes\", \"return_mean\", \"return_std\", \"returns\", \"lengths\"}"})
public final class EvalCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "A directory written by 'heed rl train'.")
    Path run;

    @Option(names = "--episodes", paramLabel = "N", defaultValue = "20", description = "Episodes (default: ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--json", description = "Print JSON on standard output.")
    boolean json;

    /** Creates the command. */
    public EvalCommand() {}

    @Override
    public Integer call() throws Exception {
        if (episodes < 1) {
            throw new UserInputException("--episodes " + episodes + " is not a number of episodes", "use --episodes 1 or more");
        }
        RunDirectory dir = RunDirectory.open(run);
        Path ckpt = dir.resolve(RlRuns.CHECKPOINT);
        if (!Files.isRegularFile(ckpt.resolve(Trainer.CHECKPOINT_FILE))) {
            throw new UserInputException(run + " has no checkpoint (" + RlRuns.CHECKPOINT + "/" + Trainer.CHECKPOINT_FILE + ")",
                    "pass the --out directory of an earlier 'heed rl train'");
        }
        EvalResult e;
        String algo;
        String env;
        try (Trainer t = Trainer.resume(ckpt, PolicyOptimizers.load(), Map.of())) {
            algo = t.config().algorithm();
            env = t.config().env();
            e = t.evaluate(episodes, true);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode n = m.createObjectNode();
            n.put("algo", algo);
            n.put("env", env);
            n.put("step", e.step());
            n.put("episodes", episodes);
            n.put("return_mean", e.mean());
            n.put("return_std", e.std());
            ArrayNode rs = n.putArray("returns");
            for (double r : e.returns()) {
                rs.add(r);
            }
            ArrayNode ls = n.putArray("lengths");
            for (int l : e.lengths()) {
                ls.add(l);
            }
            out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(n));
        } else {
            out.println(String.format(Locale.ROOT, "%s on %s after %d steps: %d deterministic episodes, return %.2f ± %.2f "
                    + "(min %.1f, max %.1f)", algo, env, e.step(), episodes, e.mean(), e.std(), min(e.returns()),
                    max(e.returns())));
        }
        out.flush();
        return 0;
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return m;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }
}
