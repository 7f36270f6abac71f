package dev.heed.bench;

import dev.heed.rl.train.EvalResult;
import dev.heed.rl.train.PolicyOptimizers;
import dev.heed.rl.train.TrainSummary;
import dev.heed.rl.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * Benchmark command for the policy optimizers' targets (issues 9 and 10): trains each algorithm with
 * its zoo preset on each env for {@code seeds} seeds × {@code steps} env steps through the regular
 * {@link Trainer} (collection, truncation bootstrap, updates), then evaluates 20 deterministic
 * episodes (the periodic evaluation's stream) and 100 held-out deterministic episodes (start states
 * no periodic evaluation saw: the fair check of a run stopped early by {@code stopReward}), and writes a Markdown table of evaluation return, training wall-clock and env steps/s
 * (collection and updates included, evaluation excluded).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/heed-benchmarks.jar \
 *     dev.heed.bench.RlAlgoTargets [out.md] [algos=ppo-clip,trpo] [envs=CartPole-v1,Pendulum-v1]
 *     [seeds=3] [seed0=0] [steps=100000] [key=value ...]</pre>
 *
 * Seeds run from {@code seed0} to {@code seed0 + seeds − 1}.
 *
 * Extra {@code key=value} pairs override the preset (e.g. {@code stopReward=475 evalFreq=10000}).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class RlAlgoTargets {

    private static final System.Logger LOG = System.getLogger(RlAlgoTargets.class.getName());

    private RlAlgoTargets() {}

    /**
     * One training run's outcome.
     *
     * @param algo algorithm
     * @param env env id
     * @param seed seed
     * @param steps env steps trained
     * @param seconds training wall-clock
     * @param cpuSeconds process CPU time during training (all threads, JIT compilation included)
     * @param eval final deterministic evaluation
     * @param heldOut deterministic evaluation on 100 held-out episodes
     */
    record Run(String algo, String env, long seed, long steps, double seconds, double cpuSeconds, EvalResult eval,
               EvalResult heldOut) {}

    /** Seed of the held-out evaluation stream; distinct from every training seed used here. */
    private static final long HELD_OUT_SEED = 0x5EED_0F_4E1DL;

    private static double processCpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    static Run train(PolicyOptimizers optimizers, String algo, String env, long seed, long steps,
            Map<String, String> overrides) {
        Map<String, String> o = new LinkedHashMap<>(overrides);
        o.put("seed", Long.toString(seed));
        o.put("nTimesteps", Long.toString(steps));
        try (Trainer t = Trainer.create(optimizers.config(algo, env, o), optimizers)) {
            double cpu0 = processCpuSeconds();
            TrainSummary s = t.run();
            double cpu = processCpuSeconds() - cpu0;
            EvalResult e = t.evaluate(20, true);
            EvalResult h = t.evaluateHeldOut(100, true, HELD_OUT_SEED + seed);
            return new Run(algo, env, seed, s.timesteps(), s.wallSeconds(), cpu, e, h);
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param args {@code [out.md] [algos=a,b] [envs=e1,e2] [seeds=3] [seed0=0] [steps=100000] [key=value ...]}
     * @throws IOException if the report cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "rl-algo-targets.md");
        List<String> algos = List.of("ppo-clip", "trpo");
        List<String> envs = List.of("CartPole-v1", "Pendulum-v1");
        int seeds = 3;
        long seed0 = 0;
        long steps = 100_000;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("RlAlgoTargets: argument '" + args[i] + "' is not key=value");
            }
            switch (kv[0]) {
                case "algos": algos = List.of(kv[1].split(",")); break;
                case "envs": envs = List.of(kv[1].split(",")); break;
                case "seeds": seeds = Integer.parseInt(kv[1]); break;
                case "seed0": seed0 = Long.parseLong(kv[1]); break;
                case "steps": steps = Long.parseLong(kv[1]); break;
                default: overrides.put(kv[0], kv[1]); break;
            }
        }
        PolicyOptimizers optimizers = PolicyOptimizers.load();
        StringBuilder md = new StringBuilder();
        md.append("| algorithm | env | seed | steps | wall s | env steps/s | CPU s | env steps per CPU s |"
                + " eval return (20 det. episodes) | held-out return (100 det. episodes) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        List<String> summary = new ArrayList<>();
        for (String env : envs) {
            for (String algo : algos) {
                double secs = 0;
                double cpus = 0;
                long total = 0;
                double evalSum = 0;
                double heldSum = 0;
                for (int s = 0; s < seeds; s++) {
                    Run r = train(optimizers, algo, env, seed0 + s, steps, overrides);
                    String row = String.format(Locale.ROOT, "| %s | %s | %d | %d | %.2f | %.0f | %.2f | %.0f | %.1f ± %.1f | %.1f ± %.1f |",
                            r.algo(), r.env(), r.seed(), r.steps(), r.seconds(), r.steps() / r.seconds(), r.cpuSeconds(),
                            r.steps() / r.cpuSeconds(), r.eval().mean(), r.eval().std(),
                            r.heldOut().mean(), r.heldOut().std());
                    LOG.log(System.Logger.Level.INFO, row);
                    md.append(row).append('\n');
                    Files.writeString(out, md.toString());
                    secs += r.seconds();
                    cpus += r.cpuSeconds();
                    total += r.steps();
                    evalSum += r.eval().mean();
                    heldSum += r.heldOut().mean();
                }
                summary.add(String.format(Locale.ROOT, "| %s | %s | mean of %d seeds | %d | %.2f | %.0f | %.2f | %.0f | %.1f | %.1f |",
                        algo, env, seeds, total / seeds, secs / seeds, total / secs, cpus / seeds, total / cpus,
                        evalSum / seeds, heldSum / seeds));
            }
        }
        md.append('\n').append("| algorithm | env | | steps | wall s | env steps/s | CPU s | env steps per CPU s |"
                + " mean eval return | mean held-out return |\n").append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (String line : summary) {
            md.append(line).append('\n');
        }
        Files.writeString(out, md.toString());
    }
}
