package dev.heed.rl.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.core.plugin.PluginRegistry;
import dev.heed.core.plugin.UnknownPluginException;
import dev.heed.core.spi.Options;
import dev.heed.rl.sweep.local.LocalEngine;
import dev.heed.rl.sweep.spi.SweepEngineProvider;
import dev.heed.rl.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweeps on the local engine with tiny A2C runs (the only optimizer inside rl-policy). */
class SweepTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static SweepSpec tiny(List<String> envs, Path out) {
        return new SweepSpec(envs, List.of("a2c"), 2, 600, Map.of("nEnvs", "2"), 2, out);
    }

    /** summary.json without the wall-clock fields, which differ between any two runs. */
    private static JsonNode numbers(Path runDir) throws IOException {
        ObjectNode n = (ObjectNode) JSON.readTree(runDir.resolve(TrainingRun.SUMMARY).toFile());
        n.remove("wall_seconds");
        n.remove("steps_per_second");
        return n;
    }

    /** metrics.csv without its wall_seconds column. */
    private static List<String> metricsWithoutTime(Path runDir) throws IOException {
        List<String> lines = Files.readAllLines(runDir.resolve(TrainingRun.METRICS));
        int col = List.of(lines.get(0).split(",", -1)).indexOf("wall_seconds");
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            List<String> f = new ArrayList<>(List.of(l.split(",", -1)));
            f.remove(col);
            out.add(String.join(",", f));
        }
        return out;
    }

    @Test
    void oneAndTwoThreadsGiveIdenticalRunsAFailureIsReportedAndARerunResumes() throws IOException {
        Path a = tmp.resolve("one");
        Path b = tmp.resolve("two");
        // Every Acrobot run fails the same way on every attempt: its directory's parent is a file.
        TrainingRun.writeMarker(b, Sweep.KIND, Instant.EPOCH);
        Files.writeString(b.resolve("Acrobot-v1"), "in the way");
        Sweep.Report ra;
        Sweep.Report rb;
        try (LocalEngine one = new LocalEngine(1, 1); LocalEngine two = new LocalEngine(2, 2)) {
            ra = Sweep.run(tiny(List.of("CartPole-v1"), a), one);
            rb = Sweep.run(tiny(List.of("CartPole-v1", "Acrobot-v1"), b), two);
        }
        assertTrue(ra.failures().isEmpty(), () -> ra.failures().toString());
        for (int s = 0; s < 2; s++) {
            Path da = a.resolve("CartPole-v1/a2c/seed-" + s);
            Path db = b.resolve("CartPole-v1/a2c/seed-" + s);
            for (String f : List.of(".heed-run", "config.json", "metrics.csv", "summary.json", "policy.safetensors",
                    "checkpoint/checkpoint.safetensors")) {
                assertTrue(Files.isRegularFile(da.resolve(f)), da.resolve(f) + " missing");
            }
            assertEquals(numbers(da), numbers(db), "seed " + s + ": 1 and 2 threads differ");
            assertEquals(metricsWithoutTime(da), metricsWithoutTime(db));
            assertEquals(s, numbers(da).get("seed").asLong());
            assertTrue(numbers(da).get("steps").asLong() >= 600);
            assertEquals(2, numbers(da).get("eval_episodes").asInt());
            JsonNode cfg = JSON.readTree(da.resolve("config.json").toFile());
            assertEquals("heed rl sweep", cfg.at("/config/command").asText(), cfg.toString());
            assertEquals("rl-train", JSON.readTree(da.resolve(".heed-run").toFile()).get("kind").asText());
        }
        assertNotEquals(numbers(a.resolve("CartPole-v1/a2c/seed-0")), numbers(a.resolve("CartPole-v1/a2c/seed-1")),
                "different seeds should train differently");

        // The failure: both Acrobot runs, after 2 attempts each; the CartPole runs finished.
        assertEquals(4, rb.results().size());
        assertEquals(2, rb.failures().size());
        for (RunResult f : rb.failures()) {
            assertEquals("Acrobot-v1", f.key().env());
            assertTrue(f.error().contains("after 2 attempts"), f.error());
        }
        assertEquals(0, rb.rows().get(1).completed());
        assertEquals(2, rb.rows().get(1).failed());
        String md = Files.readString(b.resolve(Sweep.AGGREGATE_MD));
        assertTrue(md.contains("## Failed runs") && md.contains("Acrobot-v1/a2c/seed-0"), md);

        // Aggregate: recomputed here from the two summaries (mean, sample std with n - 1 = 1).
        double x0 = numbers(a.resolve("CartPole-v1/a2c/seed-0")).get("eval_return_mean").asDouble();
        double x1 = numbers(a.resolve("CartPole-v1/a2c/seed-1")).get("eval_return_mean").asDouble();
        Sweep.Row row = ra.rows().get(0);
        assertEquals(2, row.completed());
        assertEquals((x0 + x1) / 2, row.evalReturnMean(), 1e-9);
        assertEquals(Math.abs(x0 - x1) / Math.sqrt(2), row.evalReturnStd(), 1e-9);
        assertTrue(Files.readString(a.resolve(Sweep.AGGREGATE_MD)).contains("| CartPole-v1 | a2c | 2 |"));
        assertEquals(2, Files.readAllLines(a.resolve(Sweep.AGGREGATE_CSV)).size());
        assertEquals(1, Sweep.curves(tiny(List.of("CartPole-v1"), a), ra.results()).size());

        // Resume: seed 0 is complete and left alone; seed 1 lost its summary (an interrupted run) and holds a stray
        // file: it is redone from scratch and comes out the same.
        Path s0 = a.resolve("CartPole-v1/a2c/seed-0/summary.json");
        FileTime t0 = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(s0, t0);
        Path d1 = a.resolve("CartPole-v1/a2c/seed-1");
        JsonNode before = numbers(d1);
        Files.delete(d1.resolve("summary.json"));
        Files.writeString(d1.resolve("stray.txt"), "from an interrupted attempt");
        Sweep.Report again;
        try (LocalEngine two = new LocalEngine(2, 1)) {
            again = Sweep.run(tiny(List.of("CartPole-v1"), a), two);
        }
        assertEquals(RunResult.Status.SKIPPED, again.results().get(0).status());
        assertEquals(RunResult.Status.TRAINED, again.results().get(1).status());
        assertEquals(t0, Files.getLastModifiedTime(s0));
        assertFalse(Files.exists(d1.resolve("stray.txt")));
        assertEquals(before, numbers(d1));
        try (var leftovers = Files.list(d1.getParent())) {
            assertEquals(List.of("seed-0", "seed-1"), leftovers.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aggregateIsMeanAndSampleStdOverCompletedSeeds() {
        SweepSpec spec = new SweepSpec(List.of("E"), List.of("x"), 4, 1, null, 1, tmp);
        List<RunResult> rs = List.of(
                new RunResult(new RunKey("E", "x", 0), RunResult.Status.TRAINED, 10, 0, 1, 2, null),
                new RunResult(new RunKey("E", "x", 1), RunResult.Status.SKIPPED, 20, 0, 1, 4, null),
                new RunResult(new RunKey("E", "x", 2), RunResult.Status.TRAINED, 30, 0, 1, 6, null),
                new RunResult(new RunKey("E", "x", 3), RunResult.Status.FAILED, Double.NaN, Double.NaN, 0, Double.NaN, "boom"));
        Sweep.Row row = Sweep.aggregate(spec, rs).get(0);
        assertEquals(3, row.completed());
        assertEquals(1, row.failed());
        assertEquals(20, row.evalReturnMean(), 1e-12);
        assertEquals(10, row.evalReturnStd(), 1e-12); // sqrt((100 + 0 + 100) / 2)
        assertEquals(4, row.wallSecondsMean(), 1e-12);
    }

    @Test
    void learningCurveIsMeanAndSampleStdAtTheStepsEveryRunLogged() throws IOException {
        Path r0 = Files.createDirectories(tmp.resolve("r0"));
        Path r1 = Files.createDirectories(tmp.resolve("r1"));
        Files.writeString(r0.resolve("metrics.csv"), "step,wall_seconds,episodes,return_mean,return_std\n"
                + "5,0.1,0,NaN,NaN\n10,0.2,1,1.0,0\n20,0.3,2,3.0,0\n30,0.4,3,9.0,0\n");
        Files.writeString(r1.resolve("metrics.csv"), "step,wall_seconds,episodes,return_mean,return_std\n"
                + "5,0.1,0,,\n10,0.2,1,3.0,0\n20,0.3,2,5.0,0\n");
        double[][] c = Sweep.curve(List.of(r0, r1));
        assertEquals(List.of(10.0, 20.0), Arrays.stream(c[0]).boxed().toList());
        assertEquals(2.0, c[1][0], 1e-12);
        assertEquals(4.0, c[1][1], 1e-12);
        assertEquals(Math.sqrt(2), c[2][0], 1e-12); // values 1 and 3: sqrt(((1-2)^2 + (3-2)^2) / 1)
        assertEquals(Math.sqrt(2), c[2][1], 1e-12);
    }

    @Test
    void tasksAndResultsRoundTripAsText() {
        SweepSpec spec = new SweepSpec(List.of("CartPole-v1"), List.of("a2c", "ppo-clip"), 3, 1234,
                Map.of("nEnvs", "4"), 5, tmp.resolve("o"));
        SweepTasks.Task t = SweepTasks.decodeTask(SweepTasks.encodeTask(spec, new RunKey("CartPole-v1", "ppo-clip", 2), 3));
        assertEquals(spec.envs(), t.spec().envs());
        assertEquals(spec.algos(), t.spec().algos());
        assertEquals(3, t.spec().seeds());
        assertEquals(1234, t.spec().steps());
        assertEquals(Map.of("nEnvs", "4"), t.spec().sets());
        assertEquals(5, t.spec().evalEpisodes());
        assertEquals(tmp.resolve("o").toAbsolutePath(), t.spec().out());
        assertEquals(new RunKey("CartPole-v1", "ppo-clip", 2), t.key());
        assertEquals(3, t.maxAttempts());
        RunResult r = new RunResult(new RunKey("E", "x", 7), RunResult.Status.FAILED, Double.NaN, Double.NaN, 0, Double.NaN,
                "IOException: \"quoted\"");
        assertEquals(r, SweepTasks.decodeResult(SweepTasks.encodeResult(r)));
        RunResult ok = new RunResult(new RunKey("E", "x", 1), RunResult.Status.TRAINED, 12.5, 0.25, 600, 1.5, null);
        assertEquals(ok, SweepTasks.decodeResult(SweepTasks.encodeResult(ok)));
    }

    @Test
    void enginesAreFoundByNameAndBadInputIsRejectedWithTheFix() throws IOException {
        PluginRegistry<SweepEngineProvider> engines = PluginRegistry.load(SweepEngineProvider.class);
        assertTrue(engines.names().contains("local"), engines.names().toString());
        SweepEngineProvider local = engines.get("local");
        try (SweepEngine e = local.create(Options.of(local, Map.of("threads", 2, "maxAttempts", 1)))) {
            assertEquals("local", e.name());
            assertEquals(2, ((LocalEngine) e).threads());
        }
        UnknownPluginException u = assertThrows(UnknownPluginException.class, () -> engines.get("spark"));
        assertTrue(u.getMessage().contains("local"), u.getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> local.create(Options.of(local, Map.of("master", "spark://head:7077"))));
        assertTrue(e.getMessage().contains("--engine spark"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> new SweepSpec(List.of("CartPole-v1"), List.of("a2c"), 0, 100, null, 1, tmp));
        assertTrue(e.getMessage().contains("--seeds 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SweepSpec(List.of("../x"), List.of("a2c"), 1, 100, null, 1, tmp));
        assertTrue(e.getMessage().contains("'../x'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SweepSpec(List.of("CartPole-v1", "CartPole-v1"), List.of("a2c"), 1, 100, null, 1, tmp));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LocalEngine(0, 1));
        try (LocalEngine one = new LocalEngine(1, 1)) {
            e = assertThrows(IllegalArgumentException.class, () -> Sweep.run(
                    new SweepSpec(List.of("CartPol-v1"), List.of("a2c"), 1, 100, null, 1, tmp.resolve("bad")), one));
            assertTrue(e.getMessage().contains("unknown env 'CartPol-v1'") && e.getMessage().contains("CartPole-v1"),
                    e.getMessage());
            // A non-empty directory that is not a sweep is never written into.
            Path foreign = Files.createDirectories(tmp.resolve("home"));
            Files.writeString(foreign.resolve("notes.txt"), "mine");
            e = assertThrows(IllegalArgumentException.class, () -> Sweep.run(
                    new SweepSpec(List.of("CartPole-v1"), List.of("a2c"), 1, 100, null, 1, foreign), one));
            assertTrue(e.getMessage().contains("not a Heed sweep"), e.getMessage());
            try (var s = Files.list(foreign)) {
                assertEquals(1, s.count());
            }
        }
    }
}
