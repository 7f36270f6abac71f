package dev.heed.cli.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.cli.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static JsonNode numbers(Path runDir) throws IOException {
        ObjectNode n = (ObjectNode) JSON.readTree(Files.readString(runDir.resolve("summary.json")));
        n.remove("wall_seconds");
        n.remove("steps_per_second");
        return n;
    }

    private static Set<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void sweepWritesTheRunsOfRlTrainAndTheAggregateAndResumes() throws IOException {
        Path out = tmp.resolve("sweep");
        String[] args = {"rl", "sweep", "--envs", "CartPole-v1", "--algos", "a2c", "--seeds", "2", "--steps", "200",
            "--set", "nEnvs=2", "--set", "nSteps=5", "--eval-episodes", "2", "--threads", "2", "--out", out.toString()};
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("| CartPole-v1 | a2c | 2 |"), r.out());
        assertTrue(r.out().contains("2 runs: 2 trained, 0 already complete, 0 failed"), r.out());
        for (String f : List.of("sweep-summary.md", "sweep-summary.csv", "sweep-runs.csv", ".heed-run",
                "CartPole-v1/learning-curves.png", "CartPole-v1/learning-curves.svg")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f + " missing\n" + r.all());
        }

        // Seed 1 of the sweep is the run 'heed rl train --seed 1' makes with the same settings: same files, same numbers.
        Path train = tmp.resolve("train");
        Cli.Result t = Cli.run("rl", "train", "--env", "CartPole-v1", "--algo", "a2c", "--seed", "1", "--steps", "200",
                "--set", "nEnvs=2", "--set", "nSteps=5", "--eval-episodes", "2", "--out", train.toString());
        assertEquals(0, t.code(), t.all());
        Path seed1 = out.resolve("CartPole-v1/a2c/seed-1");
        assertEquals(files(train), files(seed1));
        assertEquals(numbers(train), numbers(seed1));
        assertEquals("heed rl sweep", JSON.readTree(Files.readString(seed1.resolve("config.json"))).at("/config/command").asText());

        // The same command again: both runs are complete and skipped.
        Cli.Result again = Cli.run(args);
        assertEquals(0, again.code(), again.all());
        assertTrue(again.out().contains("2 runs: 0 trained, 2 already complete, 0 failed"), again.out());
    }

    @Test
    void sparkWithoutItsPluginAndBadInputFailWithTheFix() {
        Cli.Result r = Cli.run("rl", "sweep", "--envs", "CartPole-v1", "--algos", "a2c", "--seeds", "1", "--steps", "100",
                "--engine", "spark", "--out", tmp.resolve("s").toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("heed-plugin-spark") && r.err().contains("HEED_PLUGIN_PATH"), r.err());
        assertTrue(Files.notExists(tmp.resolve("s")), "nothing is written when the engine is missing");

        r = Cli.run("rl", "sweep", "--envs", "CartPole-v1", "--algos", "a2c", "--seeds", "0", "--steps", "100",
                "--out", tmp.resolve("z").toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("--seeds 0"), r.err());

        r = Cli.run("rl", "sweep", "--envs", "CartPole-v1", "--algos", "a2c", "--steps", "100", "--master", "local[2]",
                "--out", tmp.resolve("m").toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("--engine spark"), r.err());

        // A setting a2c does not know fails its run on every attempt: reported, exit status 3.
        r = Cli.run("rl", "sweep", "--envs", "CartPole-v1", "--algos", "a2c", "--seeds", "1", "--steps", "100",
                "--set", "clipRange=0.2", "--max-failures", "1", "--out", tmp.resolve("f").toString());
        assertEquals(SweepCommand.EXIT_RUNS_FAILED, r.code(), r.all());
        assertTrue(r.err().contains("CartPole-v1/a2c/seed-0 failed") && r.err().contains("clipRange"), r.err());
        assertTrue(r.out().contains("1 runs: 0 trained, 0 already complete, 1 failed"), r.out());
    }
}
