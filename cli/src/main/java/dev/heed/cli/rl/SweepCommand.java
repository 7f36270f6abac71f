package dev.heed.cli.rl;

import dev.heed.cli.support.Plots;
import dev.heed.cli.support.UserInputException;
import dev.heed.core.plugin.PluginRegistry;
import dev.heed.core.plugin.UnknownPluginException;
import dev.heed.core.spi.Options;
import dev.heed.rl.sweep.RunResult;
import dev.heed.rl.sweep.Sweep;
import dev.heed.rl.sweep.SweepEngine;
import dev.heed.rl.sweep.SweepSpec;
import dev.heed.rl.sweep.spi.SweepEngineProvider;
import dev.heed.rl.train.TrainingRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apiguardian.api.API;
import org.knowm.xchart.XYChart;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code heed rl sweep}: trains every (env, algorithm, seed) as one task on a sweep engine, resumes an
 * earlier sweep in the same directory, and writes the aggregate table and the learning-curve plots.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        description = {"Train every (env, algorithm, seed) as one task, on a thread pool (--engine local) or on Apache Spark",
            "(--engine spark, with heed-plugin-spark on HEED_PLUGIN_PATH), and aggregate over seeds.",
            "Running the same command again skips the completed runs and retries the others."},
        footer = {"", "Examples:",
            "  heed rl sweep --envs CartPole-v1,Acrobot-v1 --algos ppo-clip,a2c --seeds 5 --steps 100000 --out runs/sweep",
            "  heed rl sweep --envs CartPole-v1 --algos ppo-clip,trpo --seeds 10 --steps 50000 --threads 2 --out runs/s2",
            "  HEED_PLUGIN_PATH=plugins/spark/target/heed-plugin-spark-0.1.0-SNAPSHOT.jar:plugins/spark/target/spark-libs \\",
            "    heed rl sweep --engine spark --master 'local[2]' --envs CartPole-v1 --algos a2c --seeds 4 --steps 20000 --out runs/s3",
            "", "Writes into --out: <env>/<algo>/seed-<n>/ (the files of 'heed rl train'), sweep-summary.md/.csv (final",
            "evaluation return, mean ± std over seeds), sweep-runs.csv (status and error of every run) and",
            "<env>/learning-curves.png/.svg (training return, mean ± std over seeds, a line per algorithm).",
            "Exit status: 0 every run complete, 3 some runs failed (listed; the others finished), 1 bad input, 2 usage error.",
            "See docs/scale-out.md."})
public final class SweepCommand implements Callable<Integer> {

    /** Exit status when some runs failed on every attempt (the others finished). */
    static final int EXIT_RUNS_FAILED = 3;

    /** The plugin artifact that provides {@code --engine spark}. */
    static final String SPARK_ARTIFACT = "heed-plugin-spark";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--envs", required = true, split = ",", paramLabel = "ID", description = "Env ids, comma-separated, e.g. CartPole-v1,Acrobot-v1.")
    List<String> envs;

    @Option(names = "--algos", required = true, split = ",", paramLabel = "NAME", description = "Policy optimizers, comma-separated, e.g. ppo-clip,trpo,a2c.")
    List<String> algos;

    @Option(names = "--seeds", defaultValue = "3", paramLabel = "N", description = "Seeds per (env, algorithm): 0..N-1 (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--steps", required = true, paramLabel = "S", description = "Env steps per run (all parallel env copies together).")
    long steps;

    @Option(names = "--engine", defaultValue = "local", paramLabel = "NAME",
            description = "Where the runs train: local (a thread pool here) or spark (needs heed-plugin-spark); default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (spark engine): local[N], spark://host:7077; default: local[*].")
    String master;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "K", description = "Runs at once (local engine); 0: the available processors (default).")
    int threads;

    @Option(names = "--max-failures", defaultValue = "2", paramLabel = "F",
            description = "Attempts per run before it is reported failed (Spark: spark.task.maxFailures); default: ${DEFAULT-VALUE}.")
    int maxFailures;

    @Option(names = "--eval-episodes", defaultValue = "20", paramLabel = "N",
            description = "Deterministic episodes of each run's final evaluation (default: ${DEFAULT-VALUE}).")
    int evalEpisodes;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A setting for every run (as heed rl train --set).")
    List<String> sets;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Sweep directory (new, empty, or an earlier sweep to resume).")
    Path out;

    /** Creates the command. */
    public SweepCommand() {}

    @Override
    public Integer call() throws Exception {
        SweepSpec s;
        try {
            s = new SweepSpec(trimmed(envs), trimmed(algos), seeds, steps, RlRuns.parseSets(sets), evalEpisodes, out);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), "e.g. heed rl sweep --envs CartPole-v1 --algos ppo-clip,a2c --seeds 3 "
                    + "--steps 50000 --out runs/sweep", e);
        }
        // Parallelism comes from running several runs at once; each run computes on its own thread, unless the user
        // chose otherwise (HEED_JAVA_OPTS=-Dheed.threads=N).
        if (System.getProperty("heed.threads") == null) {
            System.setProperty("heed.threads", "1");
        }
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter o = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        Sweep.Report r;
        try (SweepEngine e = openEngine()) {
            err.println("heed rl sweep: " + s.runs().size() + " runs (" + String.join(", ", s.envs()) + " × "
                    + String.join(", ", s.algos()) + " × " + s.seeds() + " seeds) on engine " + e.name() + " into " + out);
            err.flush();
            try {
                r = Sweep.run(s, e);
            } catch (IllegalArgumentException ex) {
                throw new UserInputException(ex.getMessage(), "fix the value; 'heed plugins' lists the algorithms", ex);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        List<Path> charts = writePlots(s, r);
        long trained = r.results().stream().filter(x -> x.status() == RunResult.Status.TRAINED).count();
        long skipped = r.results().stream().filter(x -> x.status() == RunResult.Status.SKIPPED).count();
        o.print(Files.readString(s.out().resolve(Sweep.AGGREGATE_MD)));
        o.println();
        o.println(String.format(Locale.ROOT, "%d runs: %d trained, %d already complete, %d failed; %.1f s on engine %s",
                r.results().size(), trained, skipped, r.failures().size(), secs, r.engine()));
        o.println("wrote " + s.out().toAbsolutePath().normalize() + " (" + Sweep.AGGREGATE_MD + ", " + Sweep.AGGREGATE_CSV + ", "
                + Sweep.RUNS_CSV + (charts.isEmpty() ? "" : ", <env>/learning-curves.png/.svg") + ")");
        o.flush();
        if (!r.failures().isEmpty()) {
            for (RunResult f : r.failures()) {
                err.println("heed rl sweep: " + f.key() + " failed: " + f.error());
            }
            err.println("heed rl sweep: run the same command again to retry the failed runs; completed runs are skipped");
            err.flush();
            return EXIT_RUNS_FAILED;
        }
        return 0;
    }

    private static List<String> trimmed(List<String> names) {
        return names.stream().map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    /** Finds the engine by name; a missing Spark plugin or Spark itself fails with how to add it. */
    private SweepEngine openEngine() {
        PluginRegistry<SweepEngineProvider> engines = PluginRegistry.load(SweepEngineProvider.class);
        SweepEngineProvider p;
        try {
            p = engines.get(engine);
        } catch (UnknownPluginException e) {
            if (engine.equals("spark")) {
                throw new UserInputException("--engine spark: the spark engine is not on the class path (it is in the plugin "
                        + "artifact " + SPARK_ARTIFACT + "; engines found: " + String.join(", ", engines.names()) + ")",
                        "build it with ./mvnw -B -q -pl plugins/spark -am package -DskipTests and add it and Spark's jars to "
                        + "HEED_PLUGIN_PATH, e.g. HEED_PLUGIN_PATH=plugins/spark/target/" + SPARK_ARTIFACT
                        + "-<version>.jar:plugins/spark/target/spark-libs ./heed rl sweep ... (docs/scale-out.md); "
                        + "or use --engine local", e);
            }
            throw new UserInputException(e.getMessage(), "use --engine local, or add the engine's plugin jar to HEED_PLUGIN_PATH", e);
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("threads", threads);
        settings.put("maxAttempts", maxFailures);
        settings.put("master", master == null ? "" : master);
        try {
            return p.create(Options.of(p, settings));
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), "check --threads (>= 0), --max-failures (>= 1) and --master", e);
        } catch (LinkageError e) {
            throw new UserInputException("--engine " + engine + ": the engine's plugin is on the class path but a library it "
                    + "needs is not (" + e + ")", "for --engine spark add Spark's jars too: HEED_PLUGIN_PATH=plugins/spark/target/"
                    + SPARK_ARTIFACT + "-<version>.jar:plugins/spark/target/spark-libs (docs/scale-out.md)", e);
        }
    }

    /**
     * The charts: per env, the training return of every algorithm, mean ± std over seeds; and for each complete
     * run without one, its own learning curve as {@code heed rl train} draws it.
     */
    private static List<Path> writePlots(SweepSpec s, Sweep.Report r) throws IOException {
        for (RunResult x : r.results()) {
            Path dir = x.key().dir(s.out());
            // Runs trained now, and complete runs without one (e.g. trained by spark-submit, which draws no charts).
            if (x.status() == RunResult.Status.TRAINED
                    || x.ok() && !Files.exists(dir.resolve(RlRuns.CURVE + ".png"))) {
                RlRuns.writeCurve(dir, x.key().algo() + " on " + x.key().env() + " (seed " + x.key().seed() + ")",
                        readMetrics(dir.resolve(TrainingRun.METRICS)));
            }
        }
        List<Path> written = new ArrayList<>();
        List<Sweep.Curve> curves = Sweep.curves(s, r.results());
        for (String env : s.envs()) {
            List<Plots.Series> series = new ArrayList<>();
            for (Sweep.Curve c : curves) {
                if (c.env().equals(env)) {
                    series.add(new Plots.Series(c.algo() + " (" + c.seeds() + (c.seeds() == 1 ? " seed)" : " seeds)"), c.x(),
                            c.mean(), c.std()));
                }
            }
            if (series.isEmpty()) {
                continue;
            }
            XYChart chart = Plots.lineChart(env + ": training return, mean ± std over seeds", "environment steps",
                    "episode return (last 100 episodes)", series);
            Path dir = Files.createDirectories(s.out().resolve(env));
            Plots.writePngAndSvg(chart, dir, "learning-curves");
            written.add(dir.resolve("learning-curves.png"));
        }
        return written;
    }

    /** Reads a metrics file back into rows; empty, {@code NaN} and {@code inf} cells become NaN or infinities. */
    static List<Map<String, Double>> readMetrics(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<Map<String, Double>> rows = new ArrayList<>();
        if (lines.isEmpty()) {
            return rows;
        }
        List<String> head = Arrays.asList(lines.get(0).split(",", -1));
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",", -1);
            Map<String, Double> m = new LinkedHashMap<>();
            for (int i = 0; i < head.size() && i < f.length; i++) {
                m.put(head.get(i), switch (f[i]) {
                    case "", "NaN" -> Double.NaN;
                    case "inf" -> Double.POSITIVE_INFINITY;
                    case "-inf" -> Double.NEGATIVE_INFINITY;
                    default -> Double.parseDouble(f[i]);
                });
            }
            rows.add(m);
        }
        return rows;
    }
}
