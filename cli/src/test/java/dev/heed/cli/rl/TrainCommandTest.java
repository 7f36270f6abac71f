package dev.heed.cli.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.cli.Cli;
import dev.heed.cli.support.GracefulStop;
import dev.heed.cli.support.RunDirectory;
import dev.heed.rl.train.PolicyOptimizers;
import dev.heed.rl.train.TrainConfig;
import dev.heed.rl.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {

    @TempDir
    Path tmp;

    private static JsonNode json(Path p) throws Exception {
        return new ObjectMapper().readTree(Files.readString(p));
    }

    @Test
    void trainWritesEveryFileAndResumeContinues() throws Exception {
        Path out = tmp.resolve("a2c");
        // a2c: 2 envs x nSteps=5 (set explicitly) = 10 env steps per update, so 100 steps = 10 updates.
        Cli.Result r = Cli.run("rl", "train", "--env", "CartPole-v1", "--algo", "a2c", "--envs", "2", "--steps", "100",
                "--seed", "3", "--set", "nSteps=5", "--eval-episodes", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        for (String f : List.of("config.json", "metrics.csv", "summary.json", "learning-curve.png", "learning-curve.svg",
                "checkpoint/checkpoint.safetensors", "policy.safetensors", RunDirectory.MARKER)) {
            assertTrue(Files.isRegularFile(out.resolve(f)), "missing " + f + "\n" + r.all());
        }
        JsonNode cfg = json(out.resolve("config.json"));
        assertEquals("a2c", cfg.at("/config/algo").asText());
        assertEquals(3, cfg.get("seed").asLong());
        assertEquals("5", cfg.at("/config/resolved/nSteps").asText());
        assertEquals("2", cfg.at("/config/resolved/nEnvs").asText());
        assertTrue(cfg.at("/config/preset/source").asText().contains("zoo"), cfg.toString());
        assertTrue(cfg.has("heed_version") && cfg.has("jvm_version"), cfg.toString());

        List<String> lines = Files.readAllLines(out.resolve("metrics.csv"));
        assertTrue(lines.get(0).startsWith("step,wall_seconds,episodes,return_mean,return_std,"), lines.get(0));
        assertEquals(1 + 10, lines.size(), "one row per update");
        assertTrue(lines.get(1).startsWith("10,"), lines.get(1));
        assertTrue(lines.get(10).startsWith("100,"), lines.get(10));

        dev.heed.rl.train.SavedPolicy policy = dev.heed.rl.train.SavedPolicy.load(out.resolve("policy.safetensors"));
        assertEquals("CartPole-v1", policy.env());
        assertEquals("a2c", policy.algorithm());
        JsonNode s = json(out.resolve("summary.json"));
        assertEquals("a2c", s.get("algo").asText());
        assertEquals("CartPole-v1", s.get("env").asText());
        assertEquals(100, s.get("steps").asLong());
        assertEquals(2, s.get("eval_episodes").asInt());
        assertEquals(100 / s.get("wall_seconds").asDouble(), s.get("steps_per_second").asDouble(), 1e-6);
        // CartPole pays 1 per step, and an episode lasts at least 8 steps from any start state.
        assertTrue(s.get("eval_return_mean").asDouble() >= 8, s.toString());

        Cli.Result more = Cli.run("rl", "train", "--resume", out.toString(), "--steps", "150");
        assertEquals(0, more.code(), more.all());
        List<String> lines2 = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals(1 + 15, lines2.size());
        assertEquals(lines.subList(0, 11).stream().map(TrainCommandTest::noWall).toList(),
                lines2.subList(0, 11).stream().map(TrainCommandTest::noWall).toList(), "resumed run keeps the old rows");
        assertEquals(150, json(out.resolve("summary.json")).get("steps").asLong());

        Cli.Result ev = Cli.run("rl", "eval", "--run", out.toString(), "--episodes", "3", "--json");
        assertEquals(0, ev.code(), ev.all());
        JsonNode e = new ObjectMapper().readTree(ev.out());
        assertEquals(3, e.get("returns").size());
        double sum = 0;
        for (JsonNode x : e.get("returns")) {
            sum += x.asDouble();
        }
        assertEquals(sum / 3, e.get("return_mean").asDouble(), 1e-9);
        for (int i = 0; i < 3; i++) {
            // CartPole: the return equals the episode length
            assertEquals(e.get("lengths").get(i).asDouble(), e.get("returns").get(i).asDouble(), 0.0);
        }
    }

    private static String noWall(String csvLine) {
        String[] c = csvLine.split(",", -1);
        c[1] = "";
        return String.join(",", c);
    }

    @Test
    void aStopRequestSavesAResumableCheckpoint() throws Exception {
        PolicyOptimizers opts = PolicyOptimizers.load();
        TrainConfig cfg = RlRuns.resolve(opts, new RlRuns.Request("a2c", "CartPole-v1", 1L, 2, 200L, Map.of("nSteps", "5")));
        RunDirectory dir = RunDirectory.create(tmp.resolve("stop"), RlRuns.KIND);
        RlRuns.Outcome o;
        try (Trainer t = Trainer.create(cfg, opts); GracefulStop stop = GracefulStop.none()) {
            // Stop as Ctrl-C would, after the third update.
            o = RlRuns.run(t, dir, 0, 1, stop, (ts, ret) -> {
                if (ts >= 30) {
                    stop.request();
                }
            });
        }
        assertTrue(o.interrupted());
        assertEquals(30, o.summary().timesteps());
        assertFalse(Files.exists(dir.resolve("summary.json")), "an interrupted run has no final summary");
        Cli.Result r = Cli.run("rl", "train", "--resume", dir.path().toString());
        assertEquals(0, r.code(), r.all());
        assertEquals(200, json(dir.resolve("summary.json")).get("steps").asLong());
        assertEquals(1 + 20, Files.readAllLines(dir.resolve("metrics.csv")).size());
    }

    @Test
    void badInputIsOneLineAndNonZero() throws Exception {
        Path out = tmp.resolve("x").toAbsolutePath();
        Cli.Result env = Cli.run("rl", "train", "--env", "CartPol-v1", "--algo", "a2c", "--out", out.toString());
        assertEquals(1, env.code());
        assertEquals(1, env.err().strip().lines().count(), env.err());
        assertTrue(env.err().contains("unknown env 'CartPol-v1'") && env.err().contains("CartPole-v1"), env.err());

        Cli.Result algo = Cli.run("rl", "train", "--env", "CartPole-v1", "--algo", "ppo", "--out", out.toString());
        assertEquals(1, algo.code());
        assertTrue(algo.err().contains("unknown algorithm 'ppo'") && algo.err().contains("ppo-clip"), algo.err());

        Cli.Result set = Cli.run("rl", "train", "--env", "CartPole-v1", "--algo", "a2c", "--set", "nSteps", "--out", out.toString());
        assertEquals(1, set.code());
        assertTrue(set.err().contains("key=value"), set.err());

        Cli.Result key = Cli.run("rl", "train", "--env", "CartPole-v1", "--algo", "a2c", "--set", "nStep=5", "--out", out.toString());
        assertEquals(1, key.code());
        assertTrue(key.err().contains("nStep") && key.err().contains("nSteps"), key.err());
        assertEquals(1, key.err().strip().lines().count(), key.err());

        Cli.Result num = Cli.run("rl", "train", "--env", "CartPole-v1", "--algo", "a2c", "--steps", "many", "--out", out.toString());
        assertEquals(2, num.code());
        assertTrue(num.err().contains("many"), num.err());

        Path notRun = tmp.resolve("notes");
        Files.createDirectories(notRun);
        Files.writeString(notRun.resolve("mine.txt"), "keep me");
        Cli.Result dir = Cli.run("rl", "train", "--env", "CartPole-v1", "--algo", "a2c", "--steps", "10", "--out", notRun.toString());
        assertEquals(1, dir.code());
        assertTrue(dir.err().contains("not a Heed run"), dir.err());
        assertEquals("keep me", Files.readString(notRun.resolve("mine.txt")));

        Cli.Result resume = Cli.run("rl", "train", "--resume", notRun.toString());
        assertEquals(1, resume.code());
        assertTrue(resume.err().contains("not a Heed run directory"), resume.err());
        Cli.Result eval = Cli.run("rl", "eval", "--run", tmp.resolve("missing").toString());
        assertEquals(1, eval.code());
        assertTrue(eval.err().contains("does not exist"), eval.err());
        assertFalse(eval.err().contains("at dev.heed"), "no stack trace without --verbose");
        Cli.Result verbose = Cli.run("rl", "eval", "--run", tmp.resolve("missing").toString(), "--verbose");
        assertTrue(verbose.err().contains("at dev.heed"), "stack trace with --verbose:\n" + verbose.err());
    }

    @Test
    void compareWritesPlotTableAndOneRunPerSeed() throws Exception {
        Path out = tmp.resolve("cmp");
        Cli.Result r = Cli.run("rl", "compare", "--env", "CartPole-v1", "--algos", "a2c,ppo-kl", "--seeds", "2", "--steps", "256",
                "--set", "nEnvs=2", "--set", "nSteps=16", "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        for (String f : List.of("comparison.png", "comparison.svg", "comparison.md", "comparison.json", "curves.csv",
                "runs/a2c-seed0/summary.json", "runs/a2c-seed1/summary.json", "runs/ppo-kl-seed0/summary.json",
                "runs/ppo-kl-seed1/metrics.csv")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), "missing " + f + "\n" + r.all());
        }
        String md = Files.readString(out.resolve("comparison.md"));
        assertTrue(md.contains("| a2c | 2 |") && md.contains("| ppo-kl | 2 |"), md);
        JsonNode c = json(out.resolve("comparison.json"));
        double e0 = json(out.resolve("runs/a2c-seed0/summary.json")).get("eval_return_mean").asDouble();
        double e1 = json(out.resolve("runs/a2c-seed1/summary.json")).get("eval_return_mean").asDouble();
        assertEquals((e0 + e1) / 2, c.at("/algorithms/0/eval_return_mean").asDouble(), 1e-9);
        assertEquals(Math.abs(e0 - e1) / 2, c.at("/algorithms/0/eval_return_sd_over_seeds").asDouble(), 1e-9);
    }

    @Test
    void interpolationIsLinearAndFlatBeyondTheEnds() {
        double[] y = CompareCommand.interpolate(new double[] {10, 20, 40}, new double[] {1, 3, 4},
                new double[] {5, 10, 15, 30, 40, 50});
        assertEquals(List.of(1.0, 1.0, 2.0, 3.5, 4.0, 4.0), java.util.Arrays.stream(y).boxed().toList());
    }
}
