package dev.heed.rl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Tensor;
import dev.heed.rl.ActorCritic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainerTest {

    private final PolicyOptimizers optimizers = PolicyOptimizers.load();

    private TrainConfig tiny(String env, Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(Map.of("nEnvs", "3", "nTimesteps", "1500", "seed", "42", "logInterval", "1",
                "evalFreq", "600", "evalEpisodes", "2", "entCoef", "0.01"));
        m.putAll(extra);
        return optimizers.config("a2c", env, m);
    }

    private static List<Map<String, Double>> withoutWall(List<Map<String, Double>> rows) {
        List<Map<String, Double>> out = new ArrayList<>();
        for (Map<String, Double> r : rows) {
            Map<String, Double> c = new java.util.LinkedHashMap<>(r);
            c.remove("wall_seconds");
            out.add(c);
        }
        return out;
    }

    private static void assertSameParameters(Trainer a, Trainer b) {
        assertSameParameters(a, b.policy());
    }

    private static void assertSameParameters(Trainer a, ActorCritic b) {
        for (Map.Entry<String, Tensor> e : a.policy().namedParameters().entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), b.namedParameters().get(e.getKey()).toFloatArray(),
                    e.getKey());
        }
    }

    @Test
    void sameSeedGivesIdenticalMetricsAndWeights() {
        try (Trainer a = Trainer.create(tiny("CartPole-v1", Map.of()), optimizers);
             Trainer b = Trainer.create(tiny("CartPole-v1", Map.of()), optimizers)) {
            a.run();
            b.run();
            assertEquals(1500, a.timesteps());
            assertTrue(a.metrics().size() >= 100);
            assertEquals(withoutWall(a.metrics()), withoutWall(b.metrics()));
            assertSameParameters(a, b);
            assertTrue(a.metrics().stream().anyMatch(r -> !r.get("eval_return_mean").isNaN()));
            try (Trainer threaded = Trainer.create(tiny("CartPole-v1", Map.of("threadedEnvs", "true")), optimizers)) {
                threaded.run();
                assertEquals(withoutWall(a.metrics()), withoutWall(threaded.metrics()), "threaded envs, same numbers");
            }
        }
        try (Trainer c = Trainer.create(tiny("CartPole-v1", Map.of("seed", "43")), optimizers)) {
            c.run();
            try (Trainer a = Trainer.create(tiny("CartPole-v1", Map.of()), optimizers)) {
                a.run();
                assertTrue(!withoutWall(a.metrics()).equals(withoutWall(c.metrics())), "another seed, other numbers");
            }
        }
    }

    /**
     * A run checkpointed half-way and resumed gives the same metrics and weights as an uninterrupted
     * one: mid-episode env states, time limits (Pendulum truncates at 200 steps), VecNormalize
     * statistics, RMSprop state and generators all continue exactly.
     */
    @ParameterizedTest
    @ValueSource(strings = {"CartPole-v1", "Pendulum-v1"})
    void resumeContinuesExactly(String env, @TempDir Path dir) throws IOException {
        Map<String, String> extra = Map.of("normalize", "true", "outputDir", dir.resolve("run").toString());
        try (Trainer whole = Trainer.create(tiny(env, extra), optimizers)) {
            whole.run();
            Path ckpt = dir.resolve("half");
            try (Trainer first = Trainer.create(tiny(env, extra), optimizers)) {
                while (first.timesteps() < 700 && first.iterate()) {
                    // run to the middle
                }
                first.saveCheckpoint(ckpt);
            }
            assertTrue(Files.exists(ckpt.resolve(Trainer.CHECKPOINT_FILE)));
            assertTrue(Files.exists(ckpt.resolve("provenance.json")));
            try (Trainer resumed = Trainer.resume(ckpt, optimizers, Map.of())) {
                assertTrue(resumed.timesteps() >= 700);
                resumed.run();
                assertEquals(whole.timesteps(), resumed.timesteps());
                assertEquals(whole.episodes(), resumed.episodes());
                assertEquals(withoutWall(whole.metrics()), withoutWall(resumed.metrics()));
                assertSameParameters(whole, resumed);
            }
        }
        assertTrue(Files.exists(dir.resolve("run").resolve("provenance.json")));
        String csv = Files.readString(dir.resolve("run").resolve(Trainer.METRICS_FILE));
        assertTrue(csv.startsWith("step,wall_seconds,iteration,episodes,return_mean,return_std,ep_len_mean,policy_loss"),
                csv.substring(0, 120));
    }

    @Test
    void badCheckpointsAreRejectedWithReasons(@TempDir Path dir) throws IOException {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> Trainer.resume(dir, optimizers, Map.of()));
        dev.heed.core.io.SafeTensors.write(dir.resolve(Trainer.CHECKPOINT_FILE),
                Map.of("w", dev.heed.core.io.TensorBlob.ofFloats(new long[] {1}, new float[] {1})), Map.of());
        dev.heed.core.io.CheckpointFormatException e = assertThrows(dev.heed.core.io.CheckpointFormatException.class,
                () -> Trainer.resume(dir, optimizers, Map.of()));
        assertTrue(e.getMessage().contains("not a Heed training checkpoint"), e.getMessage());
        Path ckpt = dir.resolve("ok");
        try (Trainer t = Trainer.create(tiny("CartPole-v1", Map.of()), optimizers)) {
            t.iterate();
            t.saveCheckpoint(ckpt);
        }
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
                () -> Trainer.resume(ckpt, optimizers, Map.of("nEnvs", "4")));
        assertTrue(n.getMessage().contains("3 envs"), n.getMessage());
        IllegalArgumentException arch = assertThrows(IllegalArgumentException.class,
                () -> Trainer.resume(ckpt, optimizers, Map.of("netArch", "32")));
        assertTrue(arch.getMessage().contains("another architecture"), arch.getMessage());
        try (Trainer t = Trainer.resume(ckpt, optimizers, Map.of("nTimesteps", "300"))) {
            assertEquals(300, t.config().nTimesteps());
            assertEquals(t.config().nEnvs() * 5L, t.timesteps());
        }
    }

    /** The saved policy carries its normalisation statistics and acts exactly like the trained one. */
    @Test
    void savedPolicyRoundTrips(@TempDir Path dir) throws IOException {
        TrainConfig c = tiny("Pendulum-v1", Map.of("normalize", "true", "outputDir", dir.toString(), "evalFreq", "0"));
        try (Trainer t = Trainer.create(c, optimizers)) {
            t.run();
            SavedPolicy p = SavedPolicy.load(dir.resolve(SavedPolicy.FILE));
            assertEquals("a2c", p.algorithm());
            assertEquals("Pendulum-v1", p.env());
            assertSameParameters(t, p.policy());
            assertArrayEquals(t.observationStatistics().mean(), p.observationStatistics().mean(), 0.0);
            double[] raw = {0.3, -0.9, 1.5};
            double[] normalized = ((dev.heed.rl.vec.VecNormalize) t.env()).normalizeObservation(raw);
            assertArrayEquals(t.policy().predict(normalized), p.act(raw), 0.0);
            EvalResult r = p.evaluate(3, 11L, true);
            assertEquals(3, r.returns().length);
            assertEquals(200, r.lengths()[0]);
        }
        dev.heed.core.io.CheckpointFormatException e = assertThrows(dev.heed.core.io.CheckpointFormatException.class,
                () -> SavedPolicy.load(dir.resolve("nothing-here.safetensors").resolveSibling("metrics.csv")));
        assertTrue(e.getMessage().contains("metrics.csv"), e.getMessage());
    }

    /** A short a2c run on CartPole improves the return well beyond a random policy's (~22). */
    @Test
    void a2cImprovesCartPole() {
        TrainConfig c = optimizers.config("a2c", "CartPole-v1",
                Map.of("nTimesteps", "25000", "seed", "3", "evalFreq", "25000", "evalEpisodes", "10"));
        try (Trainer t = Trainer.create(c, optimizers)) {
            EvalResult before = t.evaluate(10, true);
            TrainSummary s = t.run();
            assertTrue(s.evalMean() > 100 && s.evalMean() > 3 * before.mean(),
                    "eval before " + before.mean() + ", after " + s.evalMean());
            List<Map<String, Double>> rows = t.metrics();
            assertTrue(rows.get(rows.size() - 1).get("return_mean") > 2 * rows.get(0).get("return_mean"),
                    "training return " + rows.get(0).get("return_mean") + " -> " + rows.get(rows.size() - 1).get("return_mean"));
        }
    }

    /** Held-out evaluation draws its start states from its own stream: repeatable, and not the periodic ones. */
    @Test
    void heldOutEvaluationUsesOtherEpisodes() {
        TrainConfig c = optimizers.config("a2c", "CartPole-v1", Map.of("nTimesteps", "1000", "seed", "2"));
        try (Trainer t = Trainer.create(c, optimizers)) {
            EvalResult periodic = t.evaluate(8, false);
            EvalResult heldOut = t.evaluateHeldOut(8, false, 99L);
            assertArrayEquals(heldOut.returns(), t.evaluateHeldOut(8, false, 99L).returns(), 0.0);
            assertFalse(java.util.Arrays.equals(periodic.returns(), heldOut.returns()),
                    "held-out episodes repeat the periodic ones: " + java.util.Arrays.toString(heldOut.returns()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.evaluateHeldOut(0, true, 1L));
            assertTrue(e.getMessage().contains("episodes must be >= 1, got 0"), e.getMessage());
        }
    }

    @Test
    void stopsAtRewardThreshold() {
        TrainConfig c = optimizers.config("a2c", "CartPole-v1",
                Map.of("nTimesteps", "20000", "seed", "1", "evalFreq", "400", "evalEpisodes", "2", "stopReward", "9"));
        try (Trainer t = Trainer.create(c, optimizers)) {
            TrainSummary s = t.run();
            assertTrue(s.stoppedEarly(), s.toString());
            assertTrue(s.timesteps() < 20000);
            assertTrue(s.evalMean() >= 9);
        }
    }
}
