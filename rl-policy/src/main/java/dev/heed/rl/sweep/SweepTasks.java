package dev.heed.rl.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.core.Suggestions;
import dev.heed.rl.env.Envs;
import dev.heed.rl.train.PolicyOptimizers;
import dev.heed.rl.train.TrainConfig;
import dev.heed.rl.train.Trainer;
import dev.heed.rl.train.TrainingRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apiguardian.api.API;

/**
 * One task of a sweep: trains one (env, algorithm, seed) run into its run directory — the files of
 * {@code heed rl train}, written by {@link TrainingRun} — and converts tasks and results to and from
 * the JSON text that a distributed engine ships to its workers. Engines (the built-in local one and
 * plugins such as {@code heed-plugin-spark}) call these methods; users call {@link Sweep#run}.
 *
 * <p>A run is trained in a hidden sibling directory ({@code .seed-<n>.partial-<uuid>}) and renamed to
 * {@code seed-<n>} only when every file, {@value TrainingRun#SUMMARY} last, is written; so
 * {@code seed-<n>/} either holds a complete run or is stale (an older, killed sweep) and is redone.
 * No Java serialization: tasks and results are JSON text.
 *
 * <p>Stateless and thread-safe: different runs may train on different threads at once.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class SweepTasks {

    /** The {@code command} recorded in each run's {@value TrainingRun#CONFIG}. */
    public static final String COMMAND = "heed rl sweep";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SweepTasks() {}

    /**
     * A decoded task.
     *
     * @param spec the sweep
     * @param key the run
     * @param maxAttempts attempts the engine allows the run (1 if the text did not say)
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public record Task(SweepSpec spec, RunKey key, int maxAttempts) {}

    /**
     * Checks env ids and algorithm names before anything runs.
     *
     * @param spec the sweep
     * @throws IllegalArgumentException naming the unknown value and the known ones
     */
    public static void check(SweepSpec spec) {
        PolicyOptimizers optimizers = PolicyOptimizers.load();
        for (String e : spec.envs()) {
            if (!Envs.ids().contains(e)) {
                throw new IllegalArgumentException("sweep: unknown env '" + e + "'" + closest(e, Envs.ids())
                        + "; use one of " + String.join(", ", Envs.ids()));
            }
        }
        for (String a : spec.algos()) {
            if (!optimizers.names().contains(a)) {
                throw new IllegalArgumentException("sweep: unknown algorithm '" + a + "'" + closest(a, optimizers.names())
                        + "; use one of " + String.join(", ", optimizers.names()) + " (is its plugin jar on the class path?)");
            }
        }
    }

    private static String closest(String name, java.util.Collection<String> known) {
        return Suggestions.closest(name, known).map(b -> " (did you mean " + b + "?)").orElse("");
    }

    /**
     * @param out the sweep directory
     * @param key the run
     * @return the run's result read from its {@value TrainingRun#SUMMARY} (status SKIPPED), or empty if the
     *     run is not complete
     * @throws IOException if the summary exists but cannot be read
     */
    public static Optional<RunResult> completed(Path out, RunKey key) throws IOException {
        Path summary = key.dir(out).resolve(TrainingRun.SUMMARY);
        if (!Files.isRegularFile(summary)) {
            return Optional.empty();
        }
        JsonNode n = JSON.readTree(summary.toFile());
        return Optional.of(new RunResult(key, RunResult.Status.SKIPPED, n.path("eval_return_mean").asDouble(Double.NaN),
                n.path("eval_return_std").asDouble(Double.NaN), n.path("steps").asLong(), n.path("wall_seconds").asDouble(Double.NaN),
                null));
    }

    /**
     * Trains one run unless it is already complete.
     *
     * @param spec the sweep
     * @param key the run
     * @return TRAINED, or SKIPPED when its summary already existed
     * @throws IOException if a file cannot be read or written
     * @throws IllegalArgumentException for a bad setting (a deterministic failure)
     */
    public static RunResult trainOne(SweepSpec spec, RunKey key) throws IOException {
        Optional<RunResult> done = completed(spec.out(), key);
        if (done.isPresent()) {
            return done.get();
        }
        Path dir = key.dir(spec.out());
        Files.createDirectories(dir.getParent());
        deleteTree(dir); // a partial run from an earlier, interrupted sweep: redo it from scratch
        String hidden = "." + dir.getFileName() + ".partial-";
        Path work = dir.resolveSibling(hidden + UUID.randomUUID());
        try {
            PolicyOptimizers optimizers = PolicyOptimizers.load();
            Map<String, String> o = new LinkedHashMap<>(spec.sets());
            o.putIfAbsent("logInterval", "1");
            o.put("nTimesteps", Long.toString(spec.steps()));
            o.put("seed", Long.toString(key.seed()));
            TrainConfig cfg = optimizers.config(key.algo(), key.env(), o);
            Files.createDirectories(work);
            TrainingRun.writeMarker(work, TrainingRun.KIND, Instant.now());
            TrainingRun.writeJson(work.resolve(TrainingRun.CONFIG), TrainingRun.configJson(optimizers, cfg, COMMAND,
                    spec.sets(), Map.of("eval_episodes", spec.evalEpisodes())));
            TrainingRun.Outcome r;
            try (Trainer trainer = Trainer.create(cfg, optimizers)) {
                r = TrainingRun.run(trainer, work, 0, spec.evalEpisodes(), () -> false, null);
            }
            Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
            return new RunResult(key, RunResult.Status.TRAINED, r.eval().mean(), r.eval().std(), r.summary().timesteps(),
                    r.summary().wallSeconds(), null);
        } finally {
            deleteTree(work);
            // Hidden leftovers of killed attempts of this run.
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.getParent(), hidden + "*")) {
                for (Path p : ds) {
                    deleteTree(p);
                }
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            Iterator<Path> it = s.sorted(Comparator.reverseOrder()).iterator();
            while (it.hasNext()) {
                Files.deleteIfExists(it.next());
            }
        }
    }

    // ----------------------------------------------------------------------------------------------
    // Text form of tasks and results (what a Spark task carries): JSON, no Java serialization of Heed types
    // ----------------------------------------------------------------------------------------------

    /**
     * @param spec the sweep
     * @param key one of its runs
     * @param maxAttempts attempts the engine allows the run, at least 1
     * @return the task as one line of JSON text (the settings, env, algorithm, seed; no Java objects)
     */
    public static String encodeTask(SweepSpec spec, RunKey key, int maxAttempts) {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode envs = n.putArray("envs");
        spec.envs().forEach(envs::add);
        ArrayNode algos = n.putArray("algos");
        spec.algos().forEach(algos::add);
        n.put("seeds", spec.seeds());
        n.put("steps", spec.steps());
        ObjectNode sets = n.putObject("sets");
        spec.sets().forEach(sets::put);
        n.put("eval_episodes", spec.evalEpisodes());
        n.put("out", spec.out().toAbsolutePath().toString());
        n.put("env", key.env());
        n.put("algo", key.algo());
        n.put("seed", key.seed());
        n.put("max_attempts", maxAttempts);
        return n.toString();
    }

    /**
     * @param text written by {@link #encodeTask}
     * @return the task
     * @throws UncheckedIOException if the text is not JSON
     */
    public static Task decodeTask(String text) {
        JsonNode n = parse(text);
        return new Task(decodeSpec(n), decodeKey(n), n.path("max_attempts").asInt(1));
    }

    /**
     * Runs a decoded task on attempt {@code attempt} of {@code task.maxAttempts()}: a failure before the
     * last attempt is rethrown (so the engine retries), on the last it becomes a FAILED result.
     *
     * @param task the task
     * @param attempt this attempt, from 1
     * @return the result
     * @throws IllegalStateException wrapping the failure of an attempt that is not the last
     */
    public static RunResult attempt(Task task, int attempt) {
        try {
            return trainOne(task.spec(), task.key());
        } catch (IOException | RuntimeException e) {
            if (attempt < task.maxAttempts()) {
                throw new IllegalStateException("sweep: " + task.key() + " failed on attempt " + attempt + " of "
                        + task.maxAttempts() + " (retried): " + e, e);
            }
            return failed(task.key(), e, attempt);
        }
    }

    private static SweepSpec decodeSpec(JsonNode n) {
        List<String> envs = new ArrayList<>();
        n.get("envs").forEach(x -> envs.add(x.asText()));
        List<String> algos = new ArrayList<>();
        n.get("algos").forEach(x -> algos.add(x.asText()));
        Map<String, String> sets = new LinkedHashMap<>();
        n.get("sets").properties().forEach(e -> sets.put(e.getKey(), e.getValue().asText()));
        return new SweepSpec(envs, algos, n.get("seeds").asInt(), n.get("steps").asLong(), sets,
                n.get("eval_episodes").asInt(), Path.of(n.get("out").asText()));
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("sweep: cannot parse a task or result: " + e.getMessage(), e);
        }
    }

    private static RunKey decodeKey(JsonNode n) {
        return new RunKey(n.get("env").asText(), n.get("algo").asText(), n.get("seed").asLong());
    }

    /**
     * @param r a result
     * @return it as one line of JSON text
     */
    public static String encodeResult(RunResult r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("env", r.key().env());
        n.put("algo", r.key().algo());
        n.put("seed", r.key().seed());
        n.put("status", r.status().name());
        putFinite(n, "eval_return_mean", r.evalReturnMean());
        putFinite(n, "eval_return_std", r.evalReturnStd());
        n.put("steps", r.steps());
        putFinite(n, "wall_seconds", r.wallSeconds());
        if (r.error() != null) {
            n.put("error", r.error());
        }
        return n.toString();
    }

    private static void putFinite(ObjectNode n, String k, double v) {
        if (Double.isFinite(v)) {
            n.put(k, v);
        }
    }

    /**
     * @param text written by {@link #encodeResult}
     * @return the result
     * @throws UncheckedIOException if the text is not JSON
     */
    public static RunResult decodeResult(String text) {
        JsonNode n = parse(text);
        return new RunResult(decodeKey(n), RunResult.Status.valueOf(n.get("status").asText()),
                n.path("eval_return_mean").asDouble(Double.NaN), n.path("eval_return_std").asDouble(Double.NaN),
                n.path("steps").asLong(), n.path("wall_seconds").asDouble(Double.NaN),
                n.hasNonNull("error") ? n.get("error").asText() : null);
    }

    /**
     * @param key the run
     * @param e what went wrong
     * @param attempts how many attempts were made
     * @return a FAILED result with the error's class and message (and its causes')
     */
    public static RunResult failed(RunKey key, Throwable e, int attempts) {
        StringBuilder m = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (m.length() > 0) {
                m.append(" <- ");
            }
            m.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return new RunResult(key, RunResult.Status.FAILED, Double.NaN, Double.NaN, 0, Double.NaN,
                m + " (after " + attempts + (attempts == 1 ? " attempt)" : " attempts)"));
    }
}
