package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.cli.support.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {

    @TempDir
    Path tmp;

    @Test
    void shortDemoWritesTheReportAndReplacesAnEarlierDemo() throws Exception {
        Path out = tmp.resolve("demo");
        // Hidden options shrink both parts to a few seconds; the defaults are the README's one-minute tour.
        String[] args = {"demo", "--out", out.toString(), "--rl-steps", "512", "--task-steps", "2"};
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.code(), r.all());
        String report = Files.readString(out.resolve("report.md"));
        for (String link : List.of("cartpole/learning-curve.png", "similarity-loss.png", "attention-dot.png",
                "attention-scaled-dot.png", "attention-cosine.png", "attention-additive.png")) {
            assertTrue(report.contains(link), "report lacks " + link);
            assertTrue(Files.isRegularFile(out.resolve(link)), "missing " + link);
        }
        for (String s : List.of("| dot |", "| scaled-dot |", "| cosine |", "| additive |")) {
            assertTrue(report.contains(s), report);
        }
        JsonNode summary = new ObjectMapper().readTree(Files.readString(out.resolve("summary.json")));
        assertEquals(4, summary.get("similarity").size());
        assertEquals(512, summary.at("/rl/steps").asLong());
        assertTrue(r.out().contains(out.resolve("report.md").toAbsolutePath().normalize().toString()), r.out());

        Files.writeString(out.resolve("stale.txt"), "from an earlier demo");
        Cli.Result again = Cli.run(args);
        assertEquals(0, again.code(), again.all());
        assertFalse(Files.exists(out.resolve("stale.txt")), "the earlier demo's files are replaced");
    }

    @Test
    void refusesADirectoryThatIsNotADemo() throws Exception {
        Path other = tmp.resolve("other");
        RunDirectory.create(other, "rl-train");
        Files.writeString(other.resolve("metrics.csv"), "step\n");
        Cli.Result r = Cli.run("demo", "--out", other.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("not a demo"), r.err());
        assertTrue(Files.exists(other.resolve("metrics.csv")), "nothing is deleted");
        Path mine = tmp.resolve("mine");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("thesis.tex"), "x");
        Cli.Result r2 = Cli.run("demo", "--out", mine.toString());
        assertEquals(1, r2.code());
        assertTrue(r2.err().contains("not a Heed run"), r2.err());
        assertTrue(Files.exists(mine.resolve("thesis.tex")));
    }

    @Test
    void firstStepBelowUsesTheMovingAverage() {
        // windows of 2: (4+2)/2=3, (2+0.8)/2=1.4, (0.8+0.4)/2=0.6, (0.4+0.2)/2=0.3
        double[] losses = {4, 2, 0.8, 0.4, 0.2};
        assertEquals(5, DemoCommand.firstBelow(losses, 0.5, 2));
        assertEquals(4, DemoCommand.firstBelow(losses, 0.5, 1));
        assertEquals(-1, DemoCommand.firstBelow(losses, 0.1, 2));
    }

    @Test
    void firstSolvedStepIsTheFirstEvaluationAtTheThreshold() {
        List<Map<String, Double>> rows = List.of(
                Map.of("step", 100.0, "eval_return_mean", Double.NaN),
                Map.of("step", 200.0, "eval_return_mean", 474.9),
                Map.of("step", 300.0, "eval_return_mean", 475.0),
                Map.of("step", 400.0, "eval_return_mean", 500.0));
        assertEquals(300, DemoCommand.firstStepAtLeast(rows, 475));
        assertEquals(-1, DemoCommand.firstStepAtLeast(rows.subList(0, 2), 475));
    }
}
