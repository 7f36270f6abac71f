package dev.heed.bench;

import dev.heed.rl.train.EvalResult;
import dev.heed.rl.train.PolicyOptimizers;
import dev.heed.rl.train.TrainSummary;
import dev.heed.rl.train.Trainer;
import dev.heed.rl.train.TrainingCallback;
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
 * The comparison experiment of issue 10: {@code ppo-clip}, {@code ppo-kl}, {@code trpo} and
 * {@code a2c} on CartPole-v1 and Pendulum-v1, several seeds each, every algorithm with its preset
 * for the env (a2c's CartPole preset is cut to the same step budget). Every {@code evalFreq} env
 * steps the trainer's deterministic evaluation (20 episodes) is recorded with the env steps and the
 * training wall-clock so far (evaluation time excluded); the output is a CSV of all curve points and
 * a Markdown summary (final return mean ± sd over seeds, wall-clock, env steps/s, and the first
 * evaluation at which the return reached the env's threshold).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/heed-benchmarks.jar \
 *     dev.heed.bench.PolicyOptimizerComparison outDir [seeds=5] [steps=100000] [evalFreq=10000]
 *     [algos=ppo-clip,ppo-kl,trpo,a2c] [envs=CartPole-v1,Pendulum-v1]</pre>
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PolicyOptimizerComparison {

    private static final System.Logger LOG = System.getLogger(PolicyOptimizerComparison.class.getName());

    private PolicyOptimizerComparison() {}

    /** One evaluation point of one run. */
    record Point(String algo, String env, long seed, long steps, double trainSeconds, double mean, double std) {}

    static List<Point> run(PolicyOptimizers optimizers, String algo, String env, long seed, long steps, long evalFreq) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("seed", Long.toString(seed));
        o.put("nTimesteps", Long.toString(steps));
        List<Point> points = new ArrayList<>();
        try (Trainer t = Trainer.create(optimizers.config(algo, env, o), optimizers)) {
            double[] evalSeconds = {0};
            t.addCallback((tr, prev) -> {
                if (tr.timesteps() / evalFreq > prev / evalFreq || tr.timesteps() >= steps) {
                    long t0 = System.nanoTime();
                    EvalResult e = tr.evaluate(20, true);
                    evalSeconds[0] += (System.nanoTime() - t0) / 1e9;
                    tr.recordEvaluation(e);
                    double train = tr.summary().wallSeconds() - evalSeconds[0];
                    points.add(new Point(algo, env, seed, tr.timesteps(), train, e.mean(), e.std()));
                }
                return true;
            });
            TrainSummary s = t.run();
            LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "%s %s seed %d: %d steps, %.1f s, eval %.1f",
                    algo, env, seed, s.timesteps(), points.get(points.size() - 1).trainSeconds(),
                    points.get(points.size() - 1).mean()));
        }
        return points;
    }

    private static double threshold(String env) {
        return env.startsWith("CartPole") ? 475 : -200;
    }

    /**
     * Runs the experiment.
     *
     * @param args {@code outDir [seeds=5] [steps=100000] [evalFreq=10000] [algos=…] [envs=…]}
     * @throws IOException if the results cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "policy-optimizers");
        int seeds = 5;
        long steps = 100_000;
        long evalFreq = 10_000;
        List<String> algos = List.of("ppo-clip", "ppo-kl", "trpo", "a2c");
        List<String> envs = List.of("CartPole-v1", "Pendulum-v1");
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("PolicyOptimizerComparison: argument '" + args[i] + "' is not key=value");
            }
            switch (kv[0]) {
                case "seeds": seeds = Integer.parseInt(kv[1]); break;
                case "steps": steps = Long.parseLong(kv[1]); break;
                case "evalFreq": evalFreq = Long.parseLong(kv[1]); break;
                case "algos": algos = List.of(kv[1].split(",")); break;
                case "envs": envs = List.of(kv[1].split(",")); break;
                default: throw new IllegalArgumentException("PolicyOptimizerComparison: unknown key '" + kv[0]
                        + "'; expected seeds, steps, evalFreq, algos or envs");
            }
        }
        Files.createDirectories(dir);
        PolicyOptimizers optimizers = PolicyOptimizers.load();
        StringBuilder csv = new StringBuilder("algorithm,env,seed,steps,train_seconds,eval_mean,eval_std\n");
        StringBuilder md = new StringBuilder();
        md.append("| env | algorithm | final eval return, mean ± sd over seeds | seeds ≥ threshold at the end |"
                + " train wall s (mean) | env steps/s | first eval ≥ threshold: steps (median) / s (median) |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (String env : envs) {
            for (String algo : algos) {
                double[] finals = new double[seeds];
                double[] secs = new double[seeds];
                long[] firstSteps = new long[seeds];
                double[] firstSecs = new double[seeds];
                int solved = 0;
                long totalSteps = 0;
                for (int s = 0; s < seeds; s++) {
                    List<Point> pts = run(optimizers, algo, env, s, steps, evalFreq);
                    firstSteps[s] = -1;
                    firstSecs[s] = Double.NaN;
                    for (Point p : pts) {
                        csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%.3f,%.2f,%.2f%n", p.algo(), p.env(), p.seed(),
                                p.steps(), p.trainSeconds(), p.mean(), p.std()));
                        if (firstSteps[s] < 0 && p.mean() >= threshold(env)) {
                            firstSteps[s] = p.steps();
                            firstSecs[s] = p.trainSeconds();
                        }
                    }
                    Point last = pts.get(pts.size() - 1);
                    finals[s] = last.mean();
                    secs[s] = last.trainSeconds();
                    totalSteps += last.steps();
                    if (last.mean() >= threshold(env)) {
                        solved++;
                    }
                    Files.writeString(dir.resolve("curves.csv"), csv.toString());
                }
                double m = mean(finals);
                double sd = Math.sqrt(variance(finals, m));
                md.append(String.format(Locale.ROOT, "| %s | %s | %.1f ± %.1f | %d/%d | %.1f | %.0f | %s |%n", env, algo, m,
                        sd, solved, seeds, mean(secs), totalSteps / (mean(secs) * seeds), firstReached(firstSteps,
                                firstSecs)));
                Files.writeString(dir.resolve("summary.md"), md.toString());
            }
        }
    }

    private static String firstReached(long[] steps, double[] secs) {
        List<Long> st = new ArrayList<>();
        List<Double> se = new ArrayList<>();
        for (int i = 0; i < steps.length; i++) {
            if (steps[i] >= 0) {
                st.add(steps[i]);
                se.add(secs[i]);
            }
        }
        if (st.isEmpty()) {
            return "never";
        }
        st.sort(null);
        se.sort(null);
        return String.format(Locale.ROOT, "%d / %.1f (%d of %d seeds)", st.get(st.size() / 2), se.get(se.size() / 2),
                st.size(), steps.length);
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    private static double variance(double[] x, double m) {
        double s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return x.length > 1 ? s / (x.length - 1) : 0;
    }
}
