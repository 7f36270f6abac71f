package dev.heed.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.NoGrad;
import dev.heed.core.NonFiniteException;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.checkpoint.Checkpoint;
import dev.heed.core.nn.Linear;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingGuardTest {

    @TempDir
    Path dir;

    @Test
    void finiteLossAndGradientsPassAndTheNormIsTheL2Norm() {
        Tensor w = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor loss = w.mul(w).sum(); // grad = 2w = [2, 4], norm sqrt(20)
        assertEquals(5.0, TrainingGuard.checkLoss(3, loss));
        loss.backward();
        Map<String, Tensor> named = Map.of("w", w);
        assertEquals(Math.sqrt(20), TrainingGuard.checkGradients(3, named), 1e-6);
        assertEquals(Math.sqrt(20), TrainingGuard.checkGradients(3, List.of(w)), 1e-6);
        TrainingGuard.checkParameters(3, named);
    }

    @Test
    void nanLossStopsWithStepAndAdvice() {
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> TrainingGuard.checkLoss(120, Double.NaN));
        assertEquals(NonFiniteException.Phase.TRAINING, e.phase());
        assertEquals("loss", e.source());
        assertTrue(e.getMessage().startsWith("step 120: the loss is NaN; training stopped before the update"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Anomaly.detect()"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainingGuard.checkLoss(1, Tensor.zeros(2)));
    }

    @Test
    void badGradientNamesTheParameterCountAndPosition() {
        Tensor a = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {0, 1, 0, 4}, 2, 2).requiresGrad(true);
        a.sum().add(b.sqrt().sum()).backward(); // d sqrt at 0 = +inf, twice
        Map<String, Tensor> named = new LinkedHashMap<>();
        named.put("fc.bias", a);
        named.put("fc.weight", b);
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> TrainingGuard.checkGradients(7, named));
        assertEquals("fc.weight", e.source());
        assertTrue(e.getMessage().startsWith("step 7: the gradient of 'fc.weight' [2, 2] holds 2 non-finite values of 4"
                + " (first: Infinity at [0, 0])"), e.getMessage());
    }

    @Test
    void overflowingNormIsReported() {
        Tensor w = Tensor.of(new double[] {1e200, 1e200}, 2).requiresGrad(true);
        w.mul(w.detach()).sum().backward(); // grad = w, finite; squares overflow
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> TrainingGuard.checkGradients(1, List.of(w)));
        assertEquals("gradient norm", e.source());
    }

    @Test
    void checkpointRefusesNanWeightsAndKeepsTheLastGoodFile() throws IOException {
        Linear model = new Linear(3, 2, Rng.seeded(4));
        Path file = dir.resolve("ck.safetensors");
        Checkpoint.of(model).save(file);
        byte[] good = Files.readAllBytes(file);
        try (NoGrad ignored = NoGrad.enter()) {
            model.weight().copyFrom(Tensor.of(new float[] {1, 2, Float.NaN, 4, 5, Float.NEGATIVE_INFINITY}, 2, 3));
        }
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> Checkpoint.of(model).save(file));
        assertEquals(NonFiniteException.Phase.CHECKPOINT, e.phase());
        assertEquals("weight", e.source());
        assertTrue(e.getMessage().contains("tensor 'weight' [2, 3] holds 2 non-finite values of 6 (first: NaN at"
                + " [0, 2]); refusing to write non-finite weights"), e.getMessage());
        assertArrayEquals(good, Files.readAllBytes(file), "the previous checkpoint must be untouched");
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file is left behind");
        }
        // Explicitly allowed: written, under another name.
        Path diverged = dir.resolve("diverged.safetensors");
        Checkpoint.of(model).allowNonFinite().save(diverged);
        assertTrue(Float.isNaN(Checkpoint.read(diverged).modelState().get("weight").toFloatArray()[2]));
        assertFalse(Files.isSameFile(file, diverged));
    }

    @Test
    void checkpointRefusesNanOptimizerState() throws IOException {
        Linear model = new Linear(2, 1, Rng.seeded(5));
        Adam adam = new Adam(model.parameters(), 1e-3);
        model.forward(Tensor.ones(1, 2)).sum().backward();
        adam.step();
        Map<String, Tensor> state = new LinkedHashMap<>(adam.stateDict());
        String key = "param.0.exp_avg";
        assertTrue(state.containsKey(key), state.keySet().toString());
        state.put(key, state.get(key).fill(Double.NaN));
        adam.loadStateDict(state);
        NonFiniteException e = assertThrows(NonFiniteException.class,
                () -> Checkpoint.of(model).optimizer(adam).save(dir.resolve("o.safetensors")));
        assertEquals(Checkpoint.OPTIMIZER_PREFIX + key, e.source());
        assertFalse(Files.exists(dir.resolve("o.safetensors")));
    }
}
