package dev.heed.cli.rl;

import dev.heed.core.Suggestions;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.cli.support.GracefulStop;
import dev.heed.cli.support.Plots;
import dev.heed.cli.support.RunDirectory;
import dev.heed.cli.support.UserInputException;
import dev.heed.rl.train.EvalResult;
import dev.heed.rl.train.PolicyOptimizers;
import dev.heed.rl.train.TrainConfig;
import dev.heed.rl.train.TrainSummary;
import dev.heed.rl.train.Trainer;
import dev.heed.rl.train.TrainingRun;
import dev.heed.rl.env.Envs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The reinforcement-learning run plumbing shared by {@code heed rl train}, {@code rl compare},
 * {@code bench rl} and {@code demo}: resolving a configuration from the command line, the training
 * loop with periodic checkpoints and a clean stop on Ctrl-C, and the run directory's files
 * ({@value #CONFIG}, {@value #METRICS}, {@value #SUMMARY}, {@code learning-curve.png/.svg},
 * {@value #CHECKPOINT}{@code /}, and the deployable {@code policy.safetensors} of
 * {@link dev.heed.rl.train.SavedPolicy}). The files are written by {@link TrainingRun}, which the
 * sweep engines use too; this class adds the learning-curve images and the command-line conventions.
 *
 * <p>Stateless; each call works on its own trainer, so different runs may go on different threads.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class RlRuns {

    /** Resolved configuration with provenance. */
    public static final String CONFIG = TrainingRun.CONFIG;
    /** One row per update. */
    public static final String METRICS = TrainingRun.METRICS;
    /** Final numbers of a run. */
    public static final String SUMMARY = TrainingRun.SUMMARY;
    /** The latest complete training state. */
    public static final String CHECKPOINT = TrainingRun.CHECKPOINT;
    /** Base name of the learning-curve images. */
    public static final String CURVE = "learning-curve";
    /** Run-directory kind of a training run. */
    public static final String KIND = TrainingRun.KIND;

    /** Columns that lead {@value #METRICS}; the optimizer's statistics follow. */
    public static final List<String> LEADING_COLUMNS = TrainingRun.LEADING_COLUMNS;

    private RlRuns() {}

    /** What the user asked for on the command line; null fields fall back to the preset or the defaults. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public record Request(String algo, String env, Long seed, Integer envs, Long steps, Map<String, String> sets) {
        /** Copies the settings. */
        public Request {
            Objects.requireNonNull(algo, "algo");
            Objects.requireNonNull(env, "env");
            sets = Map.copyOf(sets == null ? Map.of() : sets);
        }
    }

    /** Receives the progress of a run after every update. */
    @FunctionalInterface
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public interface Listener {
        /**
         * @param timesteps env steps so far
         * @param returnMean mean return of the recent training episodes (NaN before the first one ends)
         */
        void update(long timesteps, double returnMean);
    }

    /**
     * The result of {@link #run}.
     *
     * @param config the configuration trained
     * @param summary the trainer's summary
     * @param eval the final deterministic evaluation, or null when interrupted
     * @param interrupted true when a stop was requested before the end
     * @param metrics the metrics rows
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public record Outcome(TrainConfig config, TrainSummary summary, EvalResult eval, boolean interrupted,
                          List<Map<String, Double>> metrics) {}

    /**
     * Checks the env id and the algorithm name before anything is built.
     *
     * @throws UserInputException naming the bad value and the available ones
     */
    static void check(PolicyOptimizers optimizers, String algo, String env) {
        if (!Envs.ids().contains(env)) {
            throw new UserInputException("unknown env '" + env + "'" + closest(env, Envs.ids()),
                    "use one of " + String.join(", ", Envs.ids()));
        }
        if (!optimizers.names().contains(algo)) {
            throw new UserInputException("unknown algorithm '" + algo + "'" + closest(algo, optimizers.names()),
                    "use one of " + String.join(", ", optimizers.names()) + " (see 'heed plugins')");
        }
    }

    /**
     * Resolves defaults, the preset for (algo, env), {@code --set} values, then the explicit
     * options ({@code --steps}, {@code --seed}, {@code --envs}).
     *
     * @param optimizers where to find the algorithm and its presets
     * @param r the request
     * @return the configuration (without an output directory: the command writes the files)
     * @throws UserInputException for an unknown env, algorithm or setting
     */
    public static TrainConfig resolve(PolicyOptimizers optimizers, Request r) {
        check(optimizers, r.algo(), r.env());
        Map<String, String> o = new LinkedHashMap<>(r.sets());
        o.putIfAbsent("logInterval", "1");
        if (r.steps() != null) {
            o.put("nTimesteps", Long.toString(r.steps()));
        }
        if (r.seed() != null) {
            o.put("seed", Long.toString(r.seed()));
        }
        if (r.envs() != null) {
            o.put("nEnvs", Integer.toString(r.envs()));
        }
        for (String k : List.of("outputDir", "output_dir", "checkpointFreq", "checkpoint_freq")) {
            if (o.containsKey(k)) {
                throw new UserInputException("--set " + k + " is managed by the command",
                        "use --out DIR for the output directory and --checkpoint-every N for checkpoints");
            }
        }
        try {
            return optimizers.config(r.algo(), r.env(), o);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), "fix the --set value; 'heed plugins' lists the options", e);
        }
    }

    /**
     * Parses {@code key=value} settings.
     *
     * @param sets the texts; may be null
     * @return key to value, in order
     * @throws UserInputException for a text without {@code =}
     */
    public static Map<String, String> parseSets(List<String> sets) {
        Map<String, String> m = new LinkedHashMap<>();
        if (sets != null) {
            for (String s : sets) {
                int eq = s.indexOf('=');
                if (eq <= 0) {
                    throw new UserInputException("--set '" + s + "' is not key=value",
                            "write settings like --set learningRate=3e-4 --set nSteps=64");
                }
                m.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
            }
        }
        return m;
    }

    /**
     * The configuration tree written to {@value #CONFIG}, with provenance.
     *
     * @param optimizers for the preset that was applied
     * @param config the resolved configuration
     * @param sets the user's {@code --set} values
     * @param extra more fields (e.g. checkpoint interval), may be null
     * @return the provenance JSON
     */
    public static ObjectNode configJson(PolicyOptimizers optimizers, TrainConfig config, Map<String, String> sets,
                                        Map<String, Object> extra) {
        return TrainingRun.configJson(optimizers, config, "heed rl train", sets, extra);
    }

    /**
     * Trains until the configured number of steps, a stop callback, or a stop request; then (unless
     * interrupted) evaluates deterministically. With a run directory, writes metrics, a checkpoint
     * every {@code checkpointEvery} steps and at the end, the learning curve and the summary.
     *
     * @param trainer a fresh or resumed trainer; closed by the caller
     * @param dir the run directory, or null for no files
     * @param checkpointEvery env steps between checkpoints (0: only at the end)
     * @param evalEpisodes deterministic episodes of the final evaluation
     * @param stop the stop flag
     * @param listener progress receiver, or null
     * @return the outcome
     * @throws IOException if a file cannot be written
     */
    public static Outcome run(Trainer trainer, RunDirectory dir, long checkpointEvery, int evalEpisodes, GracefulStop stop,
                              Listener listener) throws IOException {
        TrainingRun.Outcome o = TrainingRun.run(trainer, dir == null ? null : dir.path(), checkpointEvery, evalEpisodes,
                stop::requested, listener == null ? null : listener::update);
        if (dir != null && !o.interrupted()) {
            // Not while the JVM shuts down: Java2D registers shutdown hooks of its own, which then fails.
            TrainConfig c = o.config();
            writeCurve(dir.path(), c.algorithm() + " on " + c.env() + " (seed " + c.seed() + ")", o.metrics());
        }
        return new Outcome(o.config(), o.summary(), o.eval(), o.interrupted(), o.metrics());
    }

    /**
     * @param config the run's configuration
     * @param s the trainer's summary
     * @param eval the final evaluation
     * @return the {@value #SUMMARY} tree
     */
    public static ObjectNode summaryJson(TrainConfig config, TrainSummary s, EvalResult eval) {
        return TrainingRun.summaryJson(config, s, eval);
    }

    /** Writes the learning curve (training return, mean ± std of the last 100 episodes, and evaluations). */
    static void writeCurve(Path dir, String title, List<Map<String, Double>> rows) throws IOException {
        List<Plots.Series> series = new ArrayList<>();
        double[][] train = column(rows, "return_mean", "return_std");
        if (train[0].length > 0) {
            series.add(new Plots.Series("training episodes (mean ± std, last 100)", train[0], train[1], train[2]));
        }
        double[][] eval = column(rows, "eval_return_mean", "eval_return_std");
        if (eval[0].length > 0) {
            series.add(new Plots.Series("deterministic evaluation", eval[0], eval[1], null));
        }
        if (series.isEmpty()) {
            return;
        }
        XYChart chart = Plots.lineChart(title, "environment steps", "episode return", series);
        if (eval[0].length > 0) {
            org.knowm.xchart.XYSeries e = chart.getSeriesMap().get("deterministic evaluation");
            e.setMarker(SeriesMarkers.CIRCLE);
            e.setMarkerColor(e.getLineColor());
        }
        Files.createDirectories(dir);
        Plots.writePngAndSvg(chart, dir, CURVE);
    }

    /** @return {x = step, y, std} over the rows where y is finite and x increases */
    static double[][] column(List<Map<String, Double>> rows, String y, String std) {
        List<double[]> pts = new ArrayList<>();
        double last = Double.NEGATIVE_INFINITY;
        for (Map<String, Double> r : rows) {
            Double x = r.get("step");
            Double v = r.get(y);
            if (x == null || v == null || !Double.isFinite(v) || x <= last) {
                continue;
            }
            Double s = r.get(std);
            pts.add(new double[] {x, v, s == null || !Double.isFinite(s) ? 0 : s});
            last = x;
        }
        double[][] out = new double[3][pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            out[0][i] = pts.get(i)[0];
            out[1][i] = pts.get(i)[1];
            out[2][i] = pts.get(i)[2];
        }
        return out;
    }

    static String closest(String name, java.util.Collection<String> known) {
        return Suggestions.closest(name, known).map(b -> " (did you mean " + b + "?)").orElse("");
    }


}
