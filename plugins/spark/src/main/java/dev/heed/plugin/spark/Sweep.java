package dev.heed.plugin.spark;

import dev.heed.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * Runs a sweep on an engine, resuming an earlier one in the same directory, and writes the aggregate.
 *
 * <pre>{@code
 * SweepSpec spec = new SweepSpec(List.of("CartPole-v1"), List.of("ppo-clip", "a2c"), 5, 100_000, null, 20,
 *         Path.of("runs/sweep"));
 * try (SweepEngine engine = new SparkEngine(null, 2)) {   // embedded local[*], 2 attempts per run
 *     Sweep.Report r = Sweep.run(spec, engine);
 * }
 * }</pre>
 *
 * <p>Files under {@code spec.out()}: one run directory per (env, algo, seed) at
 * {@code <env>/<algo>/seed-<n>/} (as {@code heed rl train} writes them), {@value #AGGREGATE_CSV} and
 * {@value #AGGREGATE_MD} (final deterministic evaluation return, mean ± std over the completed seeds of each
 * (env, algo)), {@value #RUNS_CSV} (every run's status and error) and {@code <env>/learning-curves.png/.svg}
 * (training return against env steps, mean ± std over seeds, one line per algorithm). Runs whose {@code summary.json}
 * exists are skipped; incomplete run directories are deleted and trained again.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Sweep {

    /** Aggregate table, CSV. */
    public static final String AGGREGATE_CSV = "sweep-summary.csv";
    /** Aggregate table, Markdown (with the failures listed below it). */
    public static final String AGGREGATE_MD = "sweep-summary.md";
    /** One row per run: status, numbers, error. */
    public static final String RUNS_CSV = "sweep-runs.csv";

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
     * @throws IllegalArgumentException for an unknown env or algorithm (before anything runs)
     * @throws IOException if the sweep directory cannot be read or written
     */
    public static Report run(SweepSpec spec, SweepEngine engine) throws IOException {
        SweepRuns.check(spec);
        Files.createDirectories(spec.out());
        List<RunKey> all = spec.runs();
        Map<RunKey, RunResult> byKey = new LinkedHashMap<>();
        List<RunKey> todo = new ArrayList<>();
        for (RunKey k : all) {
            Optional<RunResult> done = SweepRuns.completed(spec.out(), k);
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
        SweepPlots.write(spec, results);
        return new Report(engine.name(), results, rows, spec.out());
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
                double mean = Double.NaN;
                double std = Double.NaN;
                if (n > 0) {
                    mean = 0;
                    for (double x : v) {
                        mean += x;
                    }
                    mean /= n;
                    double ss = 0;
                    for (double x : v) {
                        ss += (x - mean) * (x - mean);
                    }
                    std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
                }
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
