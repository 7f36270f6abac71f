package dev.heed.cli.rl;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.cli.support.CsvTable;
import dev.heed.cli.support.GracefulStop;
import dev.heed.cli.support.Plots;
import dev.heed.cli.support.Progress;
import dev.heed.cli.support.RunDirectory;
import dev.heed.cli.support.UserInputException;
import dev.heed.rl.train.PolicyOptimizers;
import dev.heed.rl.train.TrainConfig;
import dev.heed.rl.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apiguardian.api.API;
import org.knowm.xchart.XYChart;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code heed rl compare}: trains several algorithms over several seeds (two runs at a time), then
 * draws their learning curves as mean &plusmn; std over seeds and writes a Markdown table.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = "Train several algorithms over several seeds and compare them (plot with mean ± std bands, Markdown table).",
        footer = {"", "Examples:",
            "  heed rl compare --env CartPole-v1 --algos ppo-clip,trpo,a2c --seeds 3 --steps 50000 --out runs/cmp",
            "  heed rl compare --env Pendulum-v1 --algos ppo-clip,trpo --seeds 5 --steps 100000 --out runs/pendulum",
            "", "Writes into --out: comparison.png/.svg, comparison.md, comparison.json, curves.csv and one",
            "training run per (algorithm, seed) under runs/<algo>-seed<k>/ (same files as 'heed rl train')."})
public final class CompareCommand implements Callable<Integer> {

    /** Points of the common step grid the curves are interpolated on. */
    static final int GRID = 60;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--env", required = true, paramLabel = "ID", description = "Env id, e.g. CartPole-v1.")
    String env;

    @Option(names = "--algos", required = true, split = ",", paramLabel = "A,B,...", description = "Algorithms, e.g. ppo-clip,trpo,a2c.")
    List<String> algos;

    @Option(names = "--seeds", defaultValue = "3", paramLabel = "N", description = "Seeds per algorithm, 0..N-1 (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--steps", paramLabel = "N", description = "Env steps per run; default: each preset's.")
    Long steps;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Settings applied to every run.")
    List<String> sets;

    @Option(names = "--threads", defaultValue = "2", paramLabel = "N", description = "Runs in parallel (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    /** Creates the command. */
    public CompareCommand() {}

    /** One algorithm's aggregated results. */
    record Row(String algo, int seeds, double evalMean, double evalSd, double wallMedian, double stepsPerSecond,
               double[] grid, double[] curveMean, double[] curveSd) {}

    @Override
    public Integer call() throws Exception {
        if (seeds < 1 || threads < 1) {
            throw new UserInputException("--seeds " + seeds + " / --threads " + threads + " out of range",
                    "use --seeds 1 or more and --threads 1 or more");
        }
        if (algos.stream().distinct().count() != algos.size()) {
            throw new UserInputException("--algos " + String.join(",", algos) + " names an algorithm twice", "list each once");
        }
        PolicyOptimizers optimizers = PolicyOptimizers.load();
        Map<String, String> setMap = RlRuns.parseSets(sets);
        List<TrainConfig> configs = new ArrayList<>();
        for (String a : algos) {
            for (int s = 0; s < seeds; s++) {
                configs.add(RlRuns.resolve(optimizers, new RlRuns.Request(a, env, (long) s, null, steps, setMap)));
            }
        }
        RunDirectory dir = RunDirectory.create(out, "rl-compare");
        long total = configs.stream().mapToLong(TrainConfig::nTimesteps).sum();
        AtomicLongArray done = new AtomicLongArray(configs.size());
        List<RlRuns.Outcome> outcomes = new ArrayList<>();
        PrintWriter err = spec.commandLine().getErr();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "heed-compare");
            t.setDaemon(true);
            return t;
        });
        try (GracefulStop stop = GracefulStop.install();
             Progress p = Progress.start("compare " + String.join(",", algos) + " on " + env, total, err)) {
            List<Future<RlRuns.Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < configs.size(); i++) {
                final int k = i;
                TrainConfig c = configs.get(i);
                futures.add(pool.submit(() -> {
                    RunDirectory sub = RunDirectory.create(dir.resolve("runs/" + c.algorithm() + "-seed" + c.seed()), RlRuns.KIND);
                    sub.writeJson(RlRuns.CONFIG, RlRuns.configJson(optimizers, c, setMap, null));
                    try (Trainer t = Trainer.create(c, optimizers)) {
                        return RlRuns.run(t, sub, 0, 20, stop, (ts, ret) -> done.set(k, ts));
                    }
                }));
            }
            for (Future<RlRuns.Outcome> f : futures) {
                while (true) {
                    try {
                        outcomes.add(f.get(250, TimeUnit.MILLISECONDS));
                        break;
                    } catch (TimeoutException e) {
                        long sum = 0;
                        for (int i = 0; i < done.length(); i++) {
                            sum += done.get(i);
                        }
                        p.stepTo(Math.min(sum, total));
                    } catch (ExecutionException e) {
                        Throwable c = e.getCause();
                        if (c instanceof RuntimeException) {
                            throw (RuntimeException) c;
                        }
                        if (c instanceof IOException) {
                            throw (IOException) c;
                        }
                        throw new IllegalStateException("compare: a training run failed: " + c, c);
                    }
                }
            }
            p.stepTo(total);
            if (stop.requested()) {
                err.println("heed rl compare: interrupted; each run's checkpoint is saved under " + dir.resolve("runs"));
                return 130;
            }
        } finally {
            pool.shutdownNow();
        }
        List<Row> rows = aggregate(outcomes);
        writeOutputs(dir, env, rows);
        PrintWriter o = spec.commandLine().getOut();
        o.print(markdown(env, rows));
        o.println("wrote " + dir.path() + " (comparison.png/.svg, comparison.md, comparison.json, curves.csv, runs/)");
        o.flush();
        return 0;
    }

    static List<Row> aggregate(List<RlRuns.Outcome> outcomes) {
        Map<String, List<RlRuns.Outcome>> by = new LinkedHashMap<>();
        for (RlRuns.Outcome o : outcomes) {
            by.computeIfAbsent(o.config().algorithm(), k -> new ArrayList<>()).add(o);
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<RlRuns.Outcome>> e : by.entrySet()) {
            List<RlRuns.Outcome> runs = e.getValue();
            int n = runs.size();
            double[] evals = new double[n];
            double[] walls = new double[n];
            double[] sps = new double[n];
            long maxStep = 0;
            for (int i = 0; i < n; i++) {
                evals[i] = runs.get(i).eval().mean();
                walls[i] = runs.get(i).summary().wallSeconds();
                sps[i] = runs.get(i).summary().stepsPerSecond();
                maxStep = Math.max(maxStep, runs.get(i).summary().timesteps());
            }
            double[] grid = new double[GRID];
            for (int g = 0; g < GRID; g++) {
                grid[g] = maxStep * (g + 1.0) / GRID;
            }
            double[][] curves = new double[n][];
            for (int i = 0; i < n; i++) {
                double[][] c = RlRuns.column(runs.get(i).metrics(), "return_mean", "return_std");
                curves[i] = interpolate(c[0], c[1], grid);
            }
            double[] mean = new double[GRID];
            double[] sd = new double[GRID];
            for (int g = 0; g < GRID; g++) {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = curves[i][g];
                }
                mean[g] = mean(v);
                sd[g] = sd(v);
            }
            rows.add(new Row(e.getKey(), n, mean(evals), sd(evals), median(walls), median(sps), grid, mean, sd));
        }
        return rows;
    }

    /** Linear interpolation of (x, y) at {@code at}; constant beyond the ends; NaN when there is no point. */
    static double[] interpolate(double[] x, double[] y, double[] at) {
        double[] r = new double[at.length];
        for (int i = 0; i < at.length; i++) {
            double a = at[i];
            if (x.length == 0) {
                r[i] = Double.NaN;
            } else if (a <= x[0]) {
                r[i] = y[0];
            } else if (a >= x[x.length - 1]) {
                r[i] = y[y.length - 1];
            } else {
                int j = 1;
                while (x[j] < a) {
                    j++;
                }
                double w = (a - x[j - 1]) / (x[j] - x[j - 1]);
                r[i] = y[j - 1] + w * (y[j] - y[j - 1]);
            }
        }
        return r;
    }

    static void writeOutputs(RunDirectory dir, String env, List<Row> rows) throws IOException {
        List<Plots.Series> series = new ArrayList<>();
        CsvTable curves = new CsvTable("algo", "step", "return_mean", "return_sd_over_seeds");
        ArrayNode arr = RunDirectory.newObject().arrayNode();
        for (Row r : rows) {
            List<double[]> pts = new ArrayList<>();
            for (int g = 0; g < r.grid().length; g++) {
                curves.add(r.algo(), (long) r.grid()[g], r.curveMean()[g], r.curveSd()[g]);
                if (Double.isFinite(r.curveMean()[g])) {
                    pts.add(new double[] {r.grid()[g], r.curveMean()[g], Double.isFinite(r.curveSd()[g]) ? r.curveSd()[g] : 0});
                }
            }
            if (!pts.isEmpty()) {
                double[][] c = new double[3][pts.size()];
                for (int i = 0; i < pts.size(); i++) {
                    c[0][i] = pts.get(i)[0];
                    c[1][i] = pts.get(i)[1];
                    c[2][i] = pts.get(i)[2];
                }
                series.add(new Plots.Series(r.algo() + " (" + r.seeds() + " seeds)", c[0], c[1], c[2]));
            }
            ObjectNode n = arr.addObject();
            n.put("algo", r.algo());
            n.put("seeds", r.seeds());
            n.put("eval_return_mean", r.evalMean());
            n.put("eval_return_sd_over_seeds", r.evalSd());
            n.put("wall_seconds_median", r.wallMedian());
            n.put("steps_per_second_median", r.stepsPerSecond());
        }
        ObjectNode root = RunDirectory.newObject();
        root.put("env", env);
        root.set("algorithms", arr);
        dir.writeJson("comparison.json", root);
        dir.writeCsv("curves.csv", curves);
        dir.writeText("comparison.md", markdown(env, rows));
        if (!series.isEmpty()) {
            XYChart chart = Plots.lineChart(env + ": training return, mean ± std over seeds", "environment steps",
                    "episode return (last 100 episodes)", series);
            Plots.writePngAndSvg(chart, dir.path(), "comparison");
        }
    }

    static String markdown(String env, List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append("| algorithm | seeds | eval return (20 deterministic episodes; mean ± sd over seeds) | training wall s (median) | env steps/s (median) |\n");
        b.append("|---|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %.1f ± %.1f | %.1f | %.0f |%n", r.algo(), r.seeds(), r.evalMean(),
                    r.evalSd(), r.wallMedian(), r.stepsPerSecond()));
        }
        b.append("\nEnv: ").append(env).append(". Curve: comparison.png (training return, mean ± std over seeds).\n");
        return b.toString();
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** Population standard deviation (0 for one value). */
    static double sd(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / v.length);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}
