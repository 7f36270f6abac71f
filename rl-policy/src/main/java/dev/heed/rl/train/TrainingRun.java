package dev.heed.rl.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.core.io.AtomicFiles;
import dev.heed.core.io.Provenance;
import dev.heed.rl.spi.Preset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apiguardian.api.API;

/**
 * The run directory of one training run, as {@code heed rl train} and every sweep engine write it:
 * {@value #MARKER} (kind {@value #KIND}), {@value #CONFIG} (settings and provenance), {@value #METRICS}
 * (one row per update), {@value #CHECKPOINT}{@code /} (the complete training state, for resuming),
 * {@code policy.safetensors} ({@link SavedPolicy}) and, last, {@value #SUMMARY} (final numbers). The
 * command line adds {@code learning-curve.png/.svg}.
 *
 * <p>Every file is written atomically (a temporary file renamed over the target), so a killed process
 * never leaves a half-written file; {@value #SUMMARY} is written only after everything else, so its
 * presence marks a complete run.
 *
 * <pre>{@code
 * try (Trainer t = Trainer.create(cfg, optimizers)) {
 *     TrainingRun.writeMarker(dir);
 *     TrainingRun.writeJson(dir.resolve(TrainingRun.CONFIG),
 *             TrainingRun.configJson(optimizers, cfg, "my-tool", Map.of(), null));
 *     TrainingRun.Outcome o = TrainingRun.run(t, dir, 10_000, 20, () -> false, null);
 * }
 * }</pre>
 *
 * <p>Stateless and thread-safe: different runs (different directories) may be written from different
 * threads at once.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class TrainingRun {

    /** Resolved configuration with provenance. */
    public static final String CONFIG = "config.json";
    /** One row per update. */
    public static final String METRICS = Trainer.METRICS_FILE;
    /** Final numbers of a run; written last. */
    public static final String SUMMARY = "summary.json";
    /** The latest complete training state. */
    public static final String CHECKPOINT = "checkpoint";
    /** Marker file that identifies a Heed run directory. */
    public static final String MARKER = ".heed-run";
    /** Value of the marker's {@code format} field. */
    public static final String MARKER_FORMAT = "heed-run/1";
    /** Run-directory kind of a training run. */
    public static final String KIND = "rl-train";
    /** Columns that lead {@value #METRICS}; the optimizer's statistics follow in the trainer's order. */
    public static final List<String> LEADING_COLUMNS = List.of("step", "wall_seconds", "episodes", "return_mean", "return_std");

    private static final Set<String> INTEGRAL_COLUMNS = Set.of("step", "episodes", "iteration");
    // Immutable once built; writes trees only.
    private static final ObjectWriter WRITER = JsonMapper.builder().build().writerWithDefaultPrettyPrinter();

    private TrainingRun() {}

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
     * @param eval the final deterministic evaluation, or null when stopped early by the stop flag
     * @param interrupted true when the stop flag ended the run before its last step
     * @param metrics the metrics rows
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public record Outcome(TrainConfig config, TrainSummary summary, EvalResult eval, boolean interrupted,
                          List<Map<String, Double>> metrics) {}

    /**
     * Trains until the configured number of steps, a stop callback of the trainer, or {@code stop}; then
     * (unless stopped) evaluates deterministically. With a directory, writes {@value #METRICS} and a
     * checkpoint every {@code checkpointEvery} steps and at the end, {@code policy.safetensors}, and
     * (unless stopped) {@value #SUMMARY} last. {@value #CONFIG} and the marker are the caller's.
     *
     * @param trainer a fresh or resumed trainer; not closed here
     * @param dir the run directory, or null for no files
     * @param checkpointEvery env steps between checkpoints (0: only at the end)
     * @param evalEpisodes deterministic episodes of the final evaluation, at least 1
     * @param stop polled after every update; true stops the run cleanly
     * @param listener progress receiver, or null
     * @return the outcome
     * @throws IOException if a file cannot be written
     * @throws IllegalArgumentException if {@code checkpointEvery < 0} or {@code evalEpisodes < 1}
     */
    public static Outcome run(Trainer trainer, Path dir, long checkpointEvery, int evalEpisodes, BooleanSupplier stop,
                              Listener listener) throws IOException {
        Objects.requireNonNull(trainer, "trainer");
        Objects.requireNonNull(stop, "stop");
        if (checkpointEvery < 0 || evalEpisodes < 1) {
            throw new IllegalArgumentException("TrainingRun.run: checkpointEvery " + checkpointEvery + ", evalEpisodes "
                    + evalEpisodes + " — need checkpointEvery >= 0 (0: only at the end) and evalEpisodes >= 1");
        }
        long next = checkpointEvery > 0 ? (trainer.timesteps() / checkpointEvery + 1) * checkpointEvery : Long.MAX_VALUE;
        while (!trainer.isDone() && !stop.getAsBoolean()) {
            trainer.iterate();
            if (listener != null) {
                List<Map<String, Double>> m = trainer.metrics();
                listener.update(trainer.timesteps(), m.isEmpty() ? Double.NaN : m.get(m.size() - 1).get("return_mean"));
            }
            if (dir != null && trainer.timesteps() >= next) {
                trainer.saveCheckpoint(dir.resolve(CHECKPOINT));
                AtomicFiles.writeString(dir.resolve(METRICS), metricsCsv(trainer.metrics()));
                next = (trainer.timesteps() / checkpointEvery + 1) * checkpointEvery;
            }
        }
        boolean interrupted = !trainer.isDone();
        if (dir != null) {
            trainer.saveCheckpoint(dir.resolve(CHECKPOINT));
            SavedPolicy.save(trainer, dir.resolve(SavedPolicy.FILE));
            AtomicFiles.writeString(dir.resolve(METRICS), metricsCsv(trainer.metrics()));
        }
        TrainSummary s = trainer.summary();
        EvalResult eval = interrupted ? null : trainer.evaluate(evalEpisodes, true);
        if (dir != null && eval != null) {
            writeJson(dir.resolve(SUMMARY), summaryJson(trainer.config(), s, eval));
        }
        return new Outcome(trainer.config(), s, eval, interrupted, new ArrayList<>(trainer.metrics()));
    }

    /**
     * The configuration tree of {@value #CONFIG}, with provenance.
     *
     * @param optimizers for the preset that was applied
     * @param config the resolved configuration
     * @param command what trained it, e.g. {@code heed rl train} or {@code heed rl sweep}
     * @param sets the user's {@code key=value} overrides (recorded sorted by key); not null
     * @param extra more fields under {@code run} (e.g. the checkpoint interval), or null
     * @return the provenance JSON
     */
    public static ObjectNode configJson(PolicyOptimizers optimizers, TrainConfig config, String command,
                                        Map<String, String> sets, Map<String, Object> extra) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("command", command);
        c.put("algo", config.algorithm());
        c.put("env", config.env());
        c.put("seed", config.seed());
        Optional<Preset> p = optimizers.preset(config.algorithm(), config.env());
        if (p.isPresent()) {
            ObjectNode pn = c.putObject("preset");
            pn.put("source", p.get().source());
            ObjectNode v = pn.putObject("values");
            p.get().values().forEach(v::put);
        } else {
            c.putNull("preset");
        }
        ObjectNode s = c.putObject("overrides");
        sets.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> s.put(e.getKey(), e.getValue()));
        ObjectNode r = c.putObject("resolved");
        config.toMap().forEach((k, v) -> {
            if (!k.equals("outputDir")) {
                r.put(k, v);
            }
        });
        if (extra != null) {
            ObjectNode e = c.putObject("run");
            extra.forEach(e::putPOJO);
        }
        return Provenance.capture(c, config.seed(), null).toJson();
    }

    /**
     * @param config the run's configuration
     * @param s the trainer's summary
     * @param eval the final evaluation
     * @return the {@value #SUMMARY} tree
     */
    public static ObjectNode summaryJson(TrainConfig config, TrainSummary s, EvalResult eval) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("algo", config.algorithm());
        n.put("env", config.env());
        n.put("seed", config.seed());
        n.put("steps", s.timesteps());
        n.put("wall_seconds", s.wallSeconds());
        n.put("steps_per_second", s.stepsPerSecond());
        n.put("eval_episodes", eval.returns().length);
        n.put("eval_return_mean", eval.mean());
        n.put("eval_return_std", eval.std());
        n.put("iterations", s.iterations());
        n.put("episodes", s.episodes());
        n.put("stopped_early", s.stoppedEarly());
        n.put("stop_reason", s.stopReason());
        return n;
    }

    /**
     * The text of {@value #METRICS}: {@link #LEADING_COLUMNS}, then the other keys of the first row in
     * order; numbers in full precision ({@link Double#toString(double)}), whole numbers in the step,
     * episode and iteration columns, {@code NaN}, {@code inf}, {@code -inf}, and an empty cell for a
     * missing key.
     *
     * @param rows the trainer's metrics rows
     * @return the CSV text, {@code \n} line endings
     */
    public static String metricsCsv(List<Map<String, Double>> rows) {
        List<String> cols = new ArrayList<>(LEADING_COLUMNS);
        if (!rows.isEmpty()) {
            for (String k : rows.get(0).keySet()) {
                if (!cols.contains(k)) {
                    cols.add(k);
                }
            }
        }
        StringBuilder b = new StringBuilder(String.join(",", cols)).append('\n');
        for (Map<String, Double> r : rows) {
            for (int i = 0; i < cols.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                Double d = r.get(cols.get(i));
                if (d == null) {
                    continue;
                }
                if (Double.isNaN(d)) {
                    b.append("NaN");
                } else if (Double.isInfinite(d)) {
                    b.append(d > 0 ? "inf" : "-inf");
                } else if (INTEGRAL_COLUMNS.contains(cols.get(i))) {
                    b.append(d.longValue());
                } else {
                    b.append(d.doubleValue());
                }
            }
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * Reads one numeric column of a {@value #METRICS} file against its {@code step} column.
     *
     * @param metricsCsv the file
     * @param column e.g. {@code return_mean}
     * @return {x = step, y} over the rows where both are finite numbers; empty arrays when the column is absent
     * @throws IOException if the file cannot be read
     */
    public static double[][] readColumn(Path metricsCsv, String column) throws IOException {
        List<String> lines = Files.readAllLines(metricsCsv);
        if (lines.isEmpty()) {
            return new double[2][0];
        }
        List<String> head = List.of(lines.get(0).split(",", -1));
        int xs = head.indexOf("step");
        int ys = head.indexOf(column);
        List<double[]> pts = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",", -1);
            if (xs < 0 || ys < 0 || f.length <= Math.max(xs, ys)) {
                continue;
            }
            double x = number(f[xs]);
            double y = number(f[ys]);
            if (Double.isFinite(x) && Double.isFinite(y)) {
                pts.add(new double[] {x, y});
            }
        }
        double[][] out = new double[2][pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            out[0][i] = pts.get(i)[0];
            out[1][i] = pts.get(i)[1];
        }
        return out;
    }

    private static double number(String s) {
        try {
            return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN; // "inf", "-inf" or text: not a point of the curve
        }
    }

    /**
     * Writes indented JSON ending with a newline, atomically; creates the parent directories.
     *
     * @param file the target
     * @param tree the content
     * @throws IOException if it cannot be written; any previous file of that name is then intact
     */
    public static void writeJson(Path file, JsonNode tree) throws IOException {
        Objects.requireNonNull(tree, "tree");
        String text;
        try {
            text = WRITER.writeValueAsString(tree) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serialising a JSON tree cannot fail: " + e, e);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        AtomicFiles.writeString(file, text);
    }

    /**
     * Writes the run-directory marker {@value #MARKER}:
     * {@code {"format": "heed-run/1", "kind": ..., "created_utc": ...}}.
     *
     * @param dir the run directory (created if missing)
     * @param kind what runs there, e.g. {@value #KIND}
     * @param now the time stamp (truncated to seconds)
     * @throws IOException if it cannot be written
     */
    public static void writeMarker(Path dir, String kind, Instant now) throws IOException {
        ObjectNode marker = JsonNodeFactory.instance.objectNode();
        marker.put("format", MARKER_FORMAT);
        marker.put("kind", Objects.requireNonNull(kind, "kind"));
        marker.put("created_utc", now.truncatedTo(ChronoUnit.SECONDS).toString());
        writeJson(dir.resolve(MARKER), marker);
    }
}
