package dev.heed.plugin.spark;

import dev.heed.core.plugin.PluginRegistry;
import dev.heed.rl.sweep.Sweep;
import dev.heed.rl.sweep.SweepEngine;
import dev.heed.rl.sweep.SweepSpec;
import dev.heed.rl.sweep.spi.SweepEngineProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * Command-line entry point of a sweep for {@code spark-submit} (the same options as {@code heed rl sweep},
 * which needs no Spark on its class path unless {@code --engine spark} is chosen):
 *
 * <pre>
 * SweepMain --envs CartPole-v1,Acrobot-v1 --algos ppo-clip,a2c --seeds 5 --steps 100000 --out runs/sweep
 *           [--engine local|spark] [--master URL] [--threads K] [--max-failures F]
 *           [--eval-episodes N] [--set key=value]...
 * </pre>
 *
 * <p>{@code --engine spark} (the default) runs an embedded {@code local[*]} Spark unless {@code --master}
 * or {@code spark-submit} names another; {@code --engine local} uses {@code --threads} threads (default:
 * the available processors). {@code --max-failures} is the number of attempts per run (Spark's
 * {@code spark.task.maxFailures}; default 2). Progress and the aggregate table go to the
 * {@link System.Logger} (standard error by default) and to {@code OUT/sweep-summary.md}. It draws no
 * charts (the plotting library is the command line's): run the same sweep with {@code heed rl sweep
 * --engine local} on a machine that sees {@code OUT}; every run is then skipped and the charts are drawn.
 * Exit status: 0 all runs complete, 1 some runs failed (listed), 2 bad arguments.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class SweepMain {

    private static final System.Logger LOG = System.getLogger(SweepMain.class.getName());

    static final String USAGE = "usage: SweepMain --envs A,B --algos x,y --seeds N --steps S --out DIR "
            + "[--engine local|spark] [--master URL] [--threads K] [--max-failures F] [--eval-episodes N] [--set key=value]...";

    private SweepMain() {}

    /**
     * Runs the sweep and exits with its status.
     *
     * @param args the options above
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Parsed options. */
    record Options(SweepSpec spec, String engine, String master, int threads, int maxFailures) {}

    /**
     * @param args the command line
     * @return the options
     * @throws IllegalArgumentException naming the bad option, with the usage
     */
    static Options parse(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        Map<String, String> sets = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                v = a.substring(eq + 1);
                a = a.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("sweep: option " + a + " needs a value; " + USAGE);
                }
                v = args[++i];
            }
            switch (a) {
                case "--envs", "--algos", "--seeds", "--steps", "--out", "--engine", "--master", "--threads",
                        "--max-failures", "--eval-episodes" -> o.put(a, v);
                case "--set" -> {
                    int e = v.indexOf('=');
                    if (e <= 0) {
                        throw new IllegalArgumentException("sweep: --set '" + v + "' is not key=value; e.g. --set learningRate=3e-4");
                    }
                    sets.put(v.substring(0, e).trim(), v.substring(e + 1).trim());
                }
                default -> throw new IllegalArgumentException("sweep: unknown option '" + a + "'; " + USAGE);
            }
        }
        for (String req : List.of("--envs", "--algos", "--seeds", "--steps", "--out")) {
            if (!o.containsKey(req)) {
                throw new IllegalArgumentException("sweep: missing " + req + "; " + USAGE);
            }
        }
        String engine = o.getOrDefault("--engine", "spark");
        if (!engine.equals("local") && !engine.equals("spark")) {
            throw new IllegalArgumentException("sweep: --engine '" + engine + "' is not local or spark");
        }
        if (engine.equals("local") && o.containsKey("--master")) {
            throw new IllegalArgumentException("sweep: --master " + o.get("--master") + " needs --engine spark");
        }
        SweepSpec spec = new SweepSpec(list(o.get("--envs")), list(o.get("--algos")), integer(o, "--seeds", 0),
                longValue(o.get("--steps")), sets, integer(o, "--eval-episodes", 20), Path.of(o.get("--out")));
        return new Options(spec, engine, o.get("--master"),
                integer(o, "--threads", 0), integer(o, "--max-failures", 2));
    }

    private static List<String> list(String v) {
        List<String> r = new ArrayList<>();
        Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(r::add);
        return r;
    }

    private static int integer(Map<String, String> o, String k, int dflt) {
        String v = o.get(k);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("sweep: " + k + " '" + v + "' is not a whole number", e);
        }
    }

    private static long longValue(String v) {
        try {
            return Long.parseLong(v.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("sweep: --steps '" + v + "' is not a whole number, e.g. 100000", e);
        }
    }

    /**
     * Runs a sweep from a command line without exiting.
     *
     * @param args the options
     * @return the exit status (0 complete, 1 some runs failed, 2 bad arguments or I/O failure)
     */
    static int run(String[] args) {
        Options opt;
        try {
            opt = parse(args);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.ERROR, e.getMessage());
            return 2;
        }
        try {
            SweepEngineProvider provider = PluginRegistry.load(SweepEngineProvider.class).get(opt.engine());
            Map<String, Object> settings = Map.of("threads", opt.threads(), "maxAttempts", opt.maxFailures(),
                    "master", opt.master() == null ? "" : opt.master());
            try (SweepEngine engine = provider.create(dev.heed.core.spi.Options.of(provider, settings))) {
                long t0 = System.nanoTime();
                Sweep.Report r = Sweep.run(opt.spec(), engine);
                double secs = (System.nanoTime() - t0) / 1e9;
                Path md = opt.spec().out().resolve(Sweep.AGGREGATE_MD);
                LOG.log(System.Logger.Level.INFO, "sweep: {0} runs ({1} failed) in {2} s on engine {3}; wrote {4}\n{5}",
                        r.results().size(), r.failures().size(), String.format(java.util.Locale.ROOT, "%.1f", secs),
                        engine.name(), md, Files.readString(md));
                return r.failures().isEmpty() ? 0 : 1;
            }
        } catch (IllegalArgumentException | IOException e) {
            LOG.log(System.Logger.Level.ERROR, e.getMessage());
            return 2;
        }
    }
}
