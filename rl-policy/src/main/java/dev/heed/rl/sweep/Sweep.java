package dev.heed.rl.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.core.io.AtomicFiles;
import dev.heed.rl.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apiguardian.api.API;

/**
 * Runs a sweep on an engine, resuming an earlier one in the same directory, and writes the aggregate.
 *
 * <pre>{@code
 * SweepSpec spec = new SweepSpec(List.of("CartPole-v1"), List.of("ppo-clip", "a2c"), 5, 100_000, null, 20,
 *         Path.of("runs/sweep"));
 * try (SweepEngine engine = new LocalEngine(2, 1)) {   // 2 runs at a time, 1 attempt each
 *     Sweep.Report r = Sweep.run(spec, engine);
 * }
 * }</pre>
 *
 * <p>Engines by name (the built-in {@code local}, and {@code spark} from {@code heed-plugin-spark} when it is on
 * the class path) come from {@code PluginRegistry.load(SweepEngineProvider.class)}.
 *
 * <p>Files under {@code spec.out()}: the marker {@value TrainingRun#MARKER} (kind {@value #KIND}); one run
 * directory per (env, algo, seed) at {@code <env>/<algo>/seed-<n>/} with the files of {@code heed rl train}
 * ({@link TrainingRun}); {@value #AGGREGATE_CSV} and {@value #AGGREGATE_MD} (final deterministic evaluation
 * return, mean ± std over the completed seeds of each (env, algo)); {@value #RUNS_CSV} (every run's status and
 * error). Learning-curve data for plots: {@link #curves}. Runs whose {@code summary.json} exists are skipped;
 * incomplete run directories are deleted and trained again.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Sweep {

    /** Aggregate table, CSV. */
    public static final String AGGREGATE_CSV = "sweep-summary.csv";
    /** Aggregate table, Markdown (with the failures listed below it). */
    public static final String AGGREGATE_MD = "sweep-summary.md";
    /** One row per run: status, numbers, error. */
    public static final String RUNS_CSV = "sweep-runs.csv";
    /** Run-directory kind recorded in the sweep directory's marker. */
    public static final String KIND = "rl-sweep";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Sweep() {}

    /**
     * One (env, algo) row of the aggregate.
     *
     * @param env the env id
     * @param algo the algorithm
     * @param completed seeds with a summary
     * @param failed seeds that failed
     * @param evalReturnMean mean over completed seeds of the final evaluation return (NaN if none)
     * @param evalReturnStd sample standard deviation over completed seeds ({@code n - 1}; 0 for one seed, NaN for none)
     * @param wallSecondsMean mean training time of a run (NaN if none)
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public record Row(String env, String algo, int completed, int failed, double evalReturnMean, double evalReturnStd,
                      double wallSecondsMean) {}

    /**
     * @param engine the engine's name
     * @param results one per run of the sweep, in {@link SweepSpec#runs()} order
     * @param rows the aggregate, env-major
     * @param out the sweep directory
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public record Report(String engine, List<RunResult> results, List<Row> rows, Path out) {
        /** Copies the lists. */
        public Report {
            results = List.copyOf(results);
            rows = List.copyOf(rows);
        }

        /** @return the failed runs */
        public List<RunResult> failures() {
            return results.stream().filter(r -> !r.ok()).toList();
        }
    }

    /**
     * Trains the runs of {@code spec} that are not complete yet and writes the aggregate files.
     *
     * @param spec the sweep
     * @param engine where to run the tasks
     * @return the report (failed runs are in it, not thrown)
     * @throws IllegalArgumentException for an unknown env or algorithm, or an output directory that is a file
     *     or a non-empty directory other than a sweep's (before anything runs)
     * @throws IOException if the sweep directory cannot be read or written
     */
    public static Report run(SweepSpec spec, SweepEngine engine) throws IOException {
        SweepTasks.check(spec);
        prepareOut(spec.out());
        List<RunKey> all = spec.runs();
        Map<RunKey, RunResult> byKey = new LinkedHashMap<>();
        List<RunKey> todo = new ArrayList<>();
        for (RunKey k : all) {
            Optional<RunResult> done = SweepTasks.completed(spec.out(), k);
            if (done.isPresent()) {
                byKey.put(k, done.get());
            } else {
                todo.add(k);
            }
        }
        List<RunResult> fresh = engine.execute(spec, todo);
        if (fresh.size() != todo.size()) {
            throw new IllegalStateException("sweep: engine " + engine.name() + " returned " + fresh.size()
                    + " results for " + todo.size() + " runs; an engine must return one result per run");
        }
        for (RunResult r : fresh) {
            byKey.put(r.key(), r);
        }
        List<RunResult> results = new ArrayList<>();
        for (RunKey k : all) {
            results.add(byKey.get(k));
        }
        List<Row> rows = aggregate(spec, results);
        AtomicFiles.writeString(spec.out().resolve(AGGREGATE_CSV), csv(rows));
        AtomicFiles.writeString(spec.out().resolve(AGGREGATE_MD), markdown(spec, engine.name(), rows, results));
        AtomicFiles.writeString(spec.out().resolve(RUNS_CSV), runsCsv(results));
        return new Report(engine.name(), results, rows, spec.out());
    }

    /** Refuses to write into a file or a foreign non-empty directory; writes the sweep marker. */
    private static void prepareOut(Path out) throws IOException {
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("sweep: output path " + out + " exists and is a file; give --out a directory");
        }
        Path marker = out.resolve(TrainingRun.MARKER);
        if (Files.isDirectory(out) && !Files.isRegularFile(marker)) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException("sweep: output directory " + out + " exists and is not a Heed sweep (no "
                            + TrainingRun.MARKER + " file in it); choose a new --out directory, or empty this one");
                }
            }
        }
        if (Files.isRegularFile(marker)) {
            JsonNode m = JSON.readTree(marker.toFile());
            if (m == null || !KIND.equals(m.path("kind").asText())) {
                throw new IllegalArgumentException("sweep: " + out + " holds a Heed run of kind '"
                        + (m == null ? "?" : m.path("kind").asText("?")) + "', not a sweep; choose a new --out directory");
            }
            return;
        }
        Files.createDirectories(out);
        TrainingRun.writeMarker(out, KIND, Instant.now());
    }

    /**
     * A learning curve of one (env, algo) over seeds.
     *
     * @param env the env id
     * @param algo the algorithm
     * @param seeds how many completed runs it averages
     * @param x env steps
     * @param mean the training return ({@code return_mean} of {@value TrainingRun#METRICS}) averaged over the runs
     * @param std its sample standard deviation over the runs ({@code n - 1}; 0 for one run)
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public record Curve(String env, String algo, int seeds, double[] x, double[] mean, double[] std) {}

    /**
     * The learning curves of a finished sweep, for plotting: for each (env, algo) with completed runs, the
     * training return at the steps that every completed run logged a finite value for, mean ± sample std
     * over the runs. Reads each run's {@value TrainingRun#METRICS}.
     *
     * @param spec the sweep
     * @param results its results (from {@link Report#results()})
     * @return one curve per (env, algo) that has at least one point, env-major
     * @throws IOException if a metrics file cannot be read
     */
    public static List<Curve> curves(SweepSpec spec, List<RunResult> results) throws IOException {
        List<Curve> out = new ArrayList<>();
        for (String env : spec.envs()) {
            for (String algo : spec.algos()) {
                List<Path> dirs = new ArrayList<>();
                for (RunResult r : results) {
                    if (r.ok() && r.key().env().equals(env) && r.key().algo().equals(algo)) {
                        dirs.add(r.key().dir(spec.out()));
                    }
                }
                if (dirs.isEmpty()) {
                    continue;
                }
                double[][] c = curve(dirs);
                if (c[0].length > 0) {
                    out.add(new Curve(env, algo, dirs.size(), c[0], c[1], c[2]));
                }
            }
        }
        return out;
    }

    /** {x, mean, std} over the runs at the steps every run logged a finite return for. */
    static double[][] curve(List<Path> runDirs) throws IOException {
        List<Map<Double, Double>> perRun = new ArrayList<>();
        for (Path d : runDirs) {
            double[][] c = TrainingRun.readColumn(d.resolve(TrainingRun.METRICS), "return_mean");
            Map<Double, Double> m = new TreeMap<>();
            for (int i = 0; i < c[0].length; i++) {
                m.put(c[0][i], c[1][i]);
            }
            perRun.add(m);
        }
        List<double[]> pts = new ArrayList<>();
        for (double x : perRun.get(0).keySet()) {
            double[] v = new double[perRun.size()];
            boolean all = true;
            for (int i = 0; i < v.length && all; i++) {
                Double y = perRun.get(i).get(x);
                all = y != null;
                v[i] = all ? y : 0;
            }
            if (all) {
                double[] ms = meanStd(v);
                pts.add(new double[] {x, ms[0], ms[1]});
            }
        }
        double[][] c = new double[3][pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            for (int k = 0; k < 3; k++) {
                c[k][i] = pts.get(i)[k];
            }
        }
        return c;
    }

    /** Mean and sample standard deviation ({@code n - 1}; 0 for one value, NaN for none). */
    static double[] meanStd(double[] v) {
        int n = v.length;
        if (n == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double mean = 0;
        for (double x : v) {
            mean += x;
        }
        mean /= n;
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        return new double[] {mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0};
    }

    /** Mean and sample standard deviation of the final evaluation return over the completed seeds. */
    static List<Row> aggregate(SweepSpec spec, List<RunResult> results) {
        List<Row> rows = new ArrayList<>();
        for (String e : spec.envs()) {
            for (String a : spec.algos()) {
                List<Double> v = new ArrayList<>();
                double wall = 0;
                int failed = 0;
                for (RunResult r : results) {
                    if (r.key().env().equals(e) && r.key().algo().equals(a)) {
                        if (r.ok()) {
                            v.add(r.evalReturnMean());
                            wall += r.wallSeconds();
                        } else {
                            failed++;
                        }
                    }
                }
                int n = v.size();
                double[] ms = meanStd(v.stream().mapToDouble(Double::doubleValue).toArray());
                double mean = ms[0];
                double std = ms[1];
                rows.add(new Row(e, a, n, failed, mean, std, n > 0 ? wall / n : Double.NaN));
            }
        }
        return rows;
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "";
    }

    static String csv(List<Row> rows) {
        StringBuilder b = new StringBuilder(
                "env,algo,seeds_completed,seeds_failed,eval_return_mean,eval_return_std_over_seeds,wall_seconds_mean\n");
        for (Row r : rows) {
            b.append(r.env()).append(',').append(r.algo()).append(',').append(r.completed()).append(',').append(r.failed())
                    .append(',').append(num(r.evalReturnMean())).append(',').append(num(r.evalReturnStd())).append(',')
                    .append(num(r.wallSecondsMean())).append('\n');
        }
        return b.toString();
    }

    static String markdown(SweepSpec spec, String engine, List<Row> rows, List<RunResult> results) {
        StringBuilder b = new StringBuilder();
        b.append("# Sweep: ").append(String.join(", ", spec.algos())).append(" on ").append(String.join(", ", spec.envs()))
                .append("\n\n").append(spec.seeds()).append(" seeds × ").append(spec.steps())
                .append(" env steps per run; final deterministic evaluation over ").append(spec.evalEpisodes())
                .append(" episodes; engine ").append(engine).append(".\n\n");
        b.append("| env | algo | seeds | eval return (mean ± std over seeds) | train time per run (s) |\n");
        b.append("|---|---|---|---|---|\n");
        for (Row r : rows) {
            b.append("| ").append(r.env()).append(" | ").append(r.algo()).append(" | ").append(r.completed());
            if (r.failed() > 0) {
                b.append(" (").append(r.failed()).append(" failed)");
            }
            b.append(" | ").append(r.completed() == 0 ? "—"
                    : String.format(Locale.ROOT, "%.1f ± %.1f", r.evalReturnMean(), r.evalReturnStd()));
            b.append(" | ").append(r.completed() == 0 ? "—" : String.format(Locale.ROOT, "%.1f", r.wallSecondsMean()))
                    .append(" |\n");
        }
        List<RunResult> failed = results.stream().filter(r -> !r.ok()).toList();
        if (!failed.isEmpty()) {
            b.append("\n## Failed runs\n\n");
            for (RunResult r : failed) {
                b.append("- `").append(r.key()).append("`: ").append(r.error()).append('\n');
            }
            b.append("\nRun the same command again to retry them; completed runs are skipped.\n");
        }
        return b.toString();
    }

    static String runsCsv(List<RunResult> results) {
        StringBuilder b = new StringBuilder("env,algo,seed,status,eval_return_mean,eval_return_std,steps,wall_seconds,error\n");
        for (RunResult r : results) {
            b.append(r.key().env()).append(',').append(r.key().algo()).append(',').append(r.key().seed()).append(',')
                    .append(r.status()).append(',').append(num(r.evalReturnMean())).append(',')
                    .append(num(r.evalReturnStd())).append(',').append(r.steps()).append(',').append(num(r.wallSeconds()))
                    .append(',');
            if (r.error() != null) {
                b.append('"').append(r.error().replace("\"", "\"\"").replace('\n', ' ')).append('"');
            }
            b.append('\n');
        }
        return b.toString();
    }
}
