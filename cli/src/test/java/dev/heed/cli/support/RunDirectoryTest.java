package dev.heed.cli.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {

    @TempDir
    Path dir;

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T16:00:00Z"), ZoneOffset.UTC);

    @Test
    void createsMarkerAndReusesItsOwnRuns() throws Exception {
        Path out = dir.resolve("runs/ppo");
        RunDirectory run = RunDirectory.create(out, "rl-train", CLOCK);
        assertEquals(out.toAbsolutePath(), run.path());
        JsonNode marker = new ObjectMapper().readTree(Files.readString(out.resolve(RunDirectory.MARKER)));
        assertEquals("heed-run/1", marker.get("format").asText());
        assertEquals("rl-train", marker.get("kind").asText());
        assertEquals("2026-11-26T16:00:00Z", marker.get("created_utc").asText());

        run.writeText("notes.txt", "x");
        assertEquals("rl-train", RunDirectory.create(out, "rl-train").kind()); // a Heed run: reused
        assertEquals("rl-train", RunDirectory.open(out).kind());
    }

    @Test
    void adoptsAnEmptyDirectory() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        RunDirectory.create(empty, "demo");
        assertTrue(Files.isRegularFile(empty.resolve(RunDirectory.MARKER)));
    }

    @Test
    void refusesForeignDirectoriesAndFiles() throws Exception {
        Path src = Files.createDirectory(dir.resolve("src"));
        Files.writeString(src.resolve("Main.java"), "class Main {}");
        UserInputException e = assertThrows(UserInputException.class, () -> RunDirectory.create(src, "rl-train"));
        assertEquals("output directory " + src + " exists and is not a Heed run (no .heed-run file in it)", e.problem());
        assertEquals("choose a new --out directory, or empty this one", e.fix());
        assertEquals(List.of("Main.java"), List.of(src.toFile().list()));

        Path file = Files.writeString(dir.resolve("file.txt"), "x");
        e = assertThrows(UserInputException.class, () -> RunDirectory.create(file, "rl-train"));
        assertTrue(e.getMessage().startsWith("output path " + file + " exists and is a file"), e.getMessage());

        e = assertThrows(UserInputException.class, () -> RunDirectory.open(src));
        assertTrue(e.getMessage().contains("is not a Heed run directory"), e.getMessage());
        e = assertThrows(UserInputException.class, () -> RunDirectory.open(dir.resolve("missing")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void writesJsonAndCsvAtomicallyInsideTheRun() throws Exception {
        RunDirectory run = RunDirectory.create(dir.resolve("r"), "rl-train");
        ObjectNode summary = RunDirectory.newObject().put("algo", "ppo-clip").put("steps", 4096).put("eval_return_mean", 500.0);
        Path json = run.writeJson("summary.json", summary);
        assertEquals(summary, new ObjectMapper().readTree(Files.readString(json)));
        assertTrue(Files.readString(json).endsWith("}\n"));

        CsvTable metrics = new CsvTable("step", "wall_seconds", "return_mean");
        metrics.add(2048, 1.5, 21.25).add(4096, 3.0, Double.NaN);
        Path csv = run.writeCsv("metrics.csv", metrics);
        assertEquals("step,wall_seconds,return_mean\n2048,1.5,21.25\n4096,3.0,NaN\n", Files.readString(csv));

        Path nested = run.writeText("checkpoint/step-4096/notes.txt", "ok");
        assertTrue(Files.isRegularFile(nested));
        try (Stream<Path> s = Files.list(run.path())) {
            assertEquals(List.of(".heed-run", "checkpoint", "metrics.csv", "summary.json"),
                    s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()));
        }
    }

    @Test
    void namesMayNotEscapeTheRun() throws Exception {
        RunDirectory run = RunDirectory.create(dir.resolve("r"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run.resolve("../evil.json"));
        assertTrue(e.getMessage().contains("use a relative name without '..'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> run.resolve(dir.resolve("abs.json").toString()));
        assertThrows(IllegalArgumentException.class, () -> run.resolve("."));
    }
}
