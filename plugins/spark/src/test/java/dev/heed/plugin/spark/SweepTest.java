package dev.heed.plugin.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.heed.core.plugin.PluginRegistry;
import dev.heed.rl.sweep.RunResult;
import dev.heed.rl.sweep.Sweep;
import dev.heed.rl.sweep.SweepSpec;
import dev.heed.rl.sweep.local.LocalEngine;
import dev.heed.rl.sweep.spi.SweepEngineProvider;
import dev.heed.testkit.arch.HeedArchitecture;
import dev.heed.testkit.arch.PluginRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps on an in-process Spark ({@code local[2]}) against the local engine, tiny settings. The engine-independent
 * parts (aggregate, curves, resume bookkeeping, 1 vs 2 threads) are tested in rl-policy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SweepTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SparkEngine spark;

    @TempDir
    Path tmp;

    @BeforeAll
    void startSpark() {
        spark = new SparkEngine("local[2]", 2);
    }

    @AfterAll
    void stopSpark() {
        if (spark != null) {
            spark.close();
        }
    }

    private static SweepSpec tiny(Path out, List<String> algos, Map<String, String> sets) {
        return new SweepSpec(List.of("CartPole-v1"), algos, 2, 2_000, sets, 3, out);
    }

    /** summary.json without the wall-clock fields, which differ between any two runs. */
    private static JsonNode numbers(Path runDir) throws IOException {
        ObjectNode n = (ObjectNode) JSON.readTree(runDir.resolve("summary.json").toFile());
        n.remove("wall_seconds");
        n.remove("steps_per_second");
        return n;
    }

    /** metrics.csv without its wall_seconds column. */
    private static List<String> metricsWithoutTime(Path runDir) throws IOException {
        List<String> lines = Files.readAllLines(runDir.resolve("metrics.csv"));
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
    void localAndSparkGiveIdenticalRunsAndResumeSkipsCompletedRuns() throws IOException {
        Path a = tmp.resolve("local");
        Path b = tmp.resolve("spark");
        Sweep.Report ra;
        try (LocalEngine local = new LocalEngine(2, 1)) {
            ra = Sweep.run(tiny(a, List.of("ppo-clip"), null), local);
        }
        Sweep.Report rb = Sweep.run(tiny(b, List.of("ppo-clip"), null), spark);
        assertEquals("spark", rb.engine());
        assertTrue(ra.failures().isEmpty(), () -> ra.failures().toString());
        assertTrue(rb.failures().isEmpty(), () -> rb.failures().toString());
        for (int s = 0; s < 2; s++) {
            Path da = a.resolve("CartPole-v1/ppo-clip/seed-" + s);
            Path db = b.resolve("CartPole-v1/ppo-clip/seed-" + s);
            for (String f : List.of("config.json", "metrics.csv", "summary.json", "policy.safetensors",
                    "checkpoint/checkpoint.safetensors")) {
                assertTrue(Files.isRegularFile(da.resolve(f)), da.resolve(f) + " missing");
                assertTrue(Files.isRegularFile(db.resolve(f)), db.resolve(f) + " missing");
            }
            JsonNode na = numbers(da);
            assertEquals(na, numbers(db), "seed " + s + ": local and Spark differ");
            assertEquals(metricsWithoutTime(da), metricsWithoutTime(db));
            assertEquals(s, na.get("seed").asLong());
            assertTrue(na.get("steps").asLong() >= 2_000, na.toString());
            assertEquals(3, na.get("eval_episodes").asInt());
            assertEquals("heed rl sweep", JSON.readTree(da.resolve("config.json").toFile()).at("/config/command").asText());
        }
        assertNotEquals(numbers(a.resolve("CartPole-v1/ppo-clip/seed-0")), numbers(a.resolve("CartPole-v1/ppo-clip/seed-1")),
                "different seeds should train differently");

        // Aggregate: recomputed here from the two summaries (mean, sample std with n - 1 = 1).
        double x0 = numbers(a.resolve("CartPole-v1/ppo-clip/seed-0")).get("eval_return_mean").asDouble();
        double x1 = numbers(a.resolve("CartPole-v1/ppo-clip/seed-1")).get("eval_return_mean").asDouble();
        Sweep.Row row = ra.rows().get(0);
        assertEquals(2, row.completed());
        assertEquals((x0 + x1) / 2, row.evalReturnMean(), 1e-9);
        assertEquals(Math.abs(x0 - x1) / Math.sqrt(2), row.evalReturnStd(), 1e-9);
        assertTrue(Files.readString(a.resolve(Sweep.AGGREGATE_MD)).contains("| CartPole-v1 | ppo-clip | 2 |"));

        // Resume: seed 0 is complete and must be left alone; seed 1 lost its summary (an interrupted run) and
        // holds a stray file: it is redone from scratch and comes out the same.
        Path s0 = a.resolve("CartPole-v1/ppo-clip/seed-0/summary.json");
        FileTime t0 = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(s0, t0);
        Path d1 = a.resolve("CartPole-v1/ppo-clip/seed-1");
        JsonNode before = numbers(d1);
        Files.delete(d1.resolve("summary.json"));
        Files.writeString(d1.resolve("stray.txt"), "from an interrupted attempt");
        Sweep.Report again = Sweep.run(tiny(a, List.of("ppo-clip"), null), spark);
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
    void aDeterministicFailureIsReportedAfterSparkRetriesWhileTheOtherRunsFinish() throws IOException {
        // clipRange is a ppo-clip option; trpo rejects it, on every attempt.
        Path out = tmp.resolve("failing");
        Sweep.Report r = Sweep.run(tiny(out, List.of("ppo-clip", "trpo"), Map.of("clipRange", "0.2")), spark);
        assertEquals(4, r.results().size());
        assertEquals(2, r.failures().size());
        for (RunResult f : r.failures()) {
            assertEquals("trpo", f.key().algo());
            assertTrue(f.error().contains("clipRange"), f.error());
            assertTrue(f.error().contains("after 2 attempts"), f.error());
            assertFalse(Files.exists(f.key().dir(out).resolve("summary.json")));
        }
        assertTrue(Files.isRegularFile(out.resolve("CartPole-v1/ppo-clip/seed-1/summary.json")));
        assertEquals(0, r.rows().get(1).completed());
        assertEquals(2, r.rows().get(1).failed());
        String md = Files.readString(out.resolve(Sweep.AGGREGATE_MD));
        assertTrue(md.contains("## Failed runs") && md.contains("CartPole-v1/trpo/seed-0"), md);
    }

    @Test
    void badInputIsRejectedWithTheFix() {
        assertThrows(IllegalArgumentException.class, () -> new SparkEngine(null, 0));
        // Found by name next to the built-in local engine, as heed rl sweep --engine spark does.
        PluginRegistry<SweepEngineProvider> engines = PluginRegistry.load(SweepEngineProvider.class);
        assertEquals(java.util.Set.of("local", "spark"), engines.names());
        assertTrue(engines.get("spark") instanceof SparkEngineProvider);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SweepMain.parse(new String[] {"--envs", "CartPole-v1"}));
        assertTrue(e.getMessage().contains("missing --algos"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SweepMain.parse(
                new String[] {"--envs", "A", "--algos", "b", "--seeds", "2", "--steps", "10", "--out", "o", "--engine", "ray"}));
        assertTrue(e.getMessage().contains("'ray'"), e.getMessage());
        assertEquals(2, SweepMain.run(new String[] {"--bogus", "1"}));
    }

    @Test
    void mainParsesTheCommandLine() {
        SweepMain.Options o = SweepMain.parse(new String[] {"--envs", "CartPole-v1,Acrobot-v1", "--algos=ppo-clip,a2c",
            "--seeds", "3", "--steps", "10_000", "--engine", "local", "--threads", "2", "--max-failures", "4",
            "--set", "nEnvs=4", "--out", "runs/s"});
        assertEquals(List.of("CartPole-v1", "Acrobot-v1"), o.spec().envs());
        assertEquals(List.of("ppo-clip", "a2c"), o.spec().algos());
        assertEquals(6 * 2 / 2 * 2, o.spec().runs().size()); // 2 envs × 2 algos × 3 seeds = 12
        assertEquals(10_000, o.spec().steps());
        assertEquals(Map.of("nEnvs", "4"), o.spec().sets());
        assertEquals("local", o.engine());
        assertEquals(2, o.threads());
        assertEquals(0, SweepMain.parse(new String[] {"--envs", "A", "--algos", "b", "--seeds", "1", "--steps", "1",
            "--out", "o"}).threads()); // 0: the available processors
        assertEquals(4, o.maxFailures());
        assertEquals(20, o.spec().evalEpisodes());
    }

    @Test
    void followsHeedsArchitectureAndPluginRules() {
        JavaClasses mine = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.heed.plugin.spark");
        List<com.tngtech.archunit.lang.ArchRule> rules = new ArrayList<>(PluginRules.all("dev.heed.plugin.spark.."));
        rules.addAll(List.of(HeedArchitecture.NO_STANDARD_STREAMS_OUTSIDE_CLI, HeedArchitecture.NO_JAVA_UTIL_LOGGING,
                HeedArchitecture.NO_GENERIC_EXCEPTIONS, HeedArchitecture.NO_SERIALIZABLE,
                HeedArchitecture.PUBLIC_TYPES_ANNOTATED_WITH_API, HeedArchitecture.NO_MUTABLE_STATIC_FIELDS,
                HeedArchitecture.SPARK_ONLY_IN_SPARK_PLUGIN));
        HeedArchitecture.checkAll(rules, mine);
    }
}
