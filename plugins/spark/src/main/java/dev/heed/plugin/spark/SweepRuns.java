package dev.heed.plugin.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.core.io.AtomicFiles;
import dev.heed.core.io.Provenance;
import dev.heed.rl.env.Envs;
import dev.heed.rl.spi.Preset;
import dev.heed.rl.train.EvalResult;
import dev.heed.rl.train.PolicyOptimizers;
import dev.heed.rl.train.SavedPolicy;
import dev.heed.rl.train.TrainConfig;
import dev.heed.rl.train.TrainSummary;
import dev.heed.rl.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Trains one run of a sweep into its run directory, with the same files as {@code heed rl train}
 * ({@value #CONFIG}, {@value #METRICS}, {@value #SUMMARY}, {@value #CHECKPOINT}/, {@code policy.safetensors}),
 * and moves tasks to and from the text form that Spark ships to executors.
 *
 * <p>A run is trained in a hidden sibling directory and moved into place only when complete, so
 * {@code seed-<n>/} either holds a finished run (its {@value #SUMMARY} exists) or is stale and redone.
 * Stateless and thread-safe: different runs may train on different threads at once.
 */
final class SweepRuns {

    static final String CONFIG = "config.json";
    static final String METRICS = "metrics.csv";
    static final String SUMMARY = "summary.json";
    static final String CHECKPOINT = "checkpoint";
    static final List<String> LEADING_COLUMNS = List.of("step", "wall_seconds", "episodes", "return_mean", "return_std");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SweepRuns() {}

    /**
     * Checks env ids and algorithm names before anything runs.
     *
     * @throws IllegalArgumentException naming the unknown value and the known ones
     */
    static void check(SweepSpec spec) {
        PolicyOptimizers optimizers = PolicyOptimizers.load();
        for (String e : spec.envs()) {
            if (!Envs.ids().contains(e)) {
                throw new IllegalArgumentException("sweep: unknown env '" + e + "'; use one of " + String.join(", ", Envs.ids()));
            }
        }
        for (String a : spec.algos()) {
            if (!optimizers.names().contains(a)) {
                throw new IllegalArgumentException("sweep: unknown algorithm '" + a + "'; use one of "
                        + String.join(", ", optimizers.names()) + " (is its plugin jar on the class path?)");
            }
        }
    }

    /** @return the result of a completed run read from its summary, or empty if the run is not complete */
    static Optional<RunResult> completed(Path out, RunKey key) throws IOException {
        Path summary = key.dir(out).resolve(SUMMARY);
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
     * @return TRAINED, or SKIPPED when its summary already existed
     * @throws IOException if a file cannot be read or written
     * @throws IllegalArgumentException for a bad setting (a deterministic failure)
     */
    static RunResult trainOne(SweepSpec spec, RunKey key) throws IOException {
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
            AtomicFiles.writeString(work.resolve(CONFIG), JSON.writeValueAsString(configJson(optimizers, cfg, spec)));
            TrainSummary s;
            EvalResult eval;
            try (Trainer trainer = Trainer.create(cfg, optimizers)) {
                while (trainer.iterate()) {
                    // collect → update → callbacks, until nTimesteps or a stop callback
                }
                trainer.saveCheckpoint(work.resolve(CHECKPOINT));
                SavedPolicy.save(trainer, work.resolve(SavedPolicy.FILE));
                AtomicFiles.writeString(work.resolve(METRICS), metricsCsv(trainer.metrics()));
                s = trainer.summary();
                eval = trainer.evaluate(spec.evalEpisodes(), true);
            }
            AtomicFiles.writeString(work.resolve(SUMMARY), JSON.writeValueAsString(summaryJson(cfg, s, eval)));
            Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
            return new RunResult(key, RunResult.Status.TRAINED, eval.mean(), eval.std(), s.timesteps(), s.wallSeconds(), null);
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

    private static ObjectNode configJson(PolicyOptimizers optimizers, TrainConfig config, SweepSpec spec) {
        ObjectNode c = JSON.createObjectNode();
        c.put("command", "heed rl sweep");
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
        spec.sets().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> s.put(e.getKey(), e.getValue()));
        ObjectNode r = c.putObject("resolved");
        config.toMap().forEach((k, v) -> {
            if (!k.equals("outputDir")) {
                r.put(k, v);
            }
        });
        ObjectNode e = c.putObject("run");
        e.put("eval_episodes", spec.evalEpisodes());
        return Provenance.capture(c, config.seed(), null).toJson();
    }

    /** The same fields as {@code heed rl train}'s summary.json. */
    static ObjectNode summaryJson(TrainConfig config, TrainSummary s, EvalResult eval) {
        ObjectNode n = JSON.createObjectNode();
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

    /** The metrics table: the leading columns, then the optimizer's in the trainer's order; NaN as empty. */
    static String metricsCsv(List<Map<String, Double>> rows) {
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
                Double v = r.get(cols.get(i));
                if (v != null && Double.isFinite(v)) {
                    b.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString(v.longValue()) : Double.toString(v));
                }
            }
            b.append('\n');
        }
        return b.toString();
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

    static String encodeTask(SweepSpec spec, RunKey key) {
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
        return n.toString();
    }

    static SweepSpec decodeSpec(JsonNode n) {
        List<String> envs = new ArrayList<>();
        n.get("envs").forEach(x -> envs.add(x.asText()));
        List<String> algos = new ArrayList<>();
        n.get("algos").forEach(x -> algos.add(x.asText()));
        Map<String, String> sets = new LinkedHashMap<>();
        n.get("sets").properties().forEach(e -> sets.put(e.getKey(), e.getValue().asText()));
        return new SweepSpec(envs, algos, n.get("seeds").asInt(), n.get("steps").asLong(), sets,
                n.get("eval_episodes").asInt(), Path.of(n.get("out").asText()));
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("sweep: cannot parse a task or result: " + e.getMessage(), e);
        }
    }

    static RunKey decodeKey(JsonNode n) {
        return new RunKey(n.get("env").asText(), n.get("algo").asText(), n.get("seed").asLong());
    }

    static String encodeResult(RunResult r) {
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

    static RunResult decodeResult(String text) {
        JsonNode n = parse(text);
        return new RunResult(decodeKey(n), RunResult.Status.valueOf(n.get("status").asText()),
                n.path("eval_return_mean").asDouble(Double.NaN), n.path("eval_return_std").asDouble(Double.NaN),
                n.path("steps").asLong(), n.path("wall_seconds").asDouble(Double.NaN),
                n.hasNonNull("error") ? n.get("error").asText() : null);
    }

    /** @return a failed result with the error's class and message (and its cause's) */
    static RunResult failed(RunKey key, Throwable e, int attempts) {
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
